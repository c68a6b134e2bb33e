// The idle phase on RawWs connections: set up on a few threads, each reading what its subscribed
// connections receive between two set-ups (so that the server never has to queue frames for
// them), then one epoll loop over all of them until they are quiet.
#include "idle.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "raw_ws.h"
#include "server.h"
#include "setup.h"
#include "stats.h"
#include "support/ids.h"

namespace grappe::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto kConnectLimit = 60s;
constexpr auto kQuietLimit = 20s;
constexpr auto kQuiet = 1s;  // no message for this long: the connections are idle

// Reads what the ready sockets of `ep` hold, waiting up to `timeout_ms` for one; the number of
// messages read. Throws when a connection fails or is closed.
int drain_ready(Epoll& ep, int timeout_ms) {
  epoll_event events[128];
  const int n = ep.wait(events, 128, timeout_ms);
  int messages = 0;
  for (int i = 0; i < n; ++i) {
    auto& ws = *static_cast<RawWs*>(events[i].data.ptr);
    if (!ws.fill()) continue;
    while (ws.next_message()) ++messages;
  }
  return messages;
}

// Connects and subscribes the connections of `share`, reading what the subscribed ones get in
// between.
void subscribe_all(unsigned short port, const std::vector<std::pair<RawWs*, std::string>>& share,
                   std::atomic<int>& subscribed, Clock::time_point deadline) {
  Epoll ep;
  for (const auto& [ws, grappe] : share) {
    ws->open(port, deadline);
    ws->subscribe(grappe, deadline);
    ++subscribed;
    ep.add(ws->fd(), ws);
    // Bounded: the subscriptions of the other threads go on sending presence lists meanwhile.
    for (int i = 0; i < 100; ++i) {
      if (drain_ready(ep, 0) == 0) break;
    }
  }
}

// Reads every connection of `conns` until none received a message for kQuiet; the time of the
// last message (or of the call when none came). Throws after kQuietLimit.
Clock::time_point wait_quiet(const std::vector<std::unique_ptr<RawWs>>& conns) {
  Epoll ep;
  for (const auto& ws : conns) ep.add(ws->fd(), ws.get());
  auto last = Clock::now();
  const auto limit = last + kQuietLimit;
  while (Clock::now() - last < kQuiet) {
    if (Clock::now() > limit) throw std::runtime_error("the connections did not go quiet");
    if (drain_ready(ep, 50) > 0) last = Clock::now();
  }
  return last;
}

}  // namespace

IdleResult idle_rss(test::ServerProcess& server, int connections, int grappes, int threads,
                    bool people) {
  IdleResult r;
  std::vector<std::string> ids;
  for (int g = 0; g < grappes; ++g) ids.push_back(test::new_id());
  try {
    create_grappes(server.port(), ids, Clock::now() + 30s);
  } catch (const std::exception& e) {
    r.error = std::string("creating grappes: ") + e.what();
    return r;
  }
  threads = std::clamp(threads, 1, std::max(connections, 1));
  std::vector<std::unique_ptr<RawWs>> conns;
  std::vector<std::vector<std::pair<RawWs*, std::string>>> shares(
      static_cast<std::size_t>(threads));
  for (int i = 0; i < connections; ++i) {
    conns.push_back(people ? std::make_unique<RawWs>(person_token(i % kPeople))
                           : std::make_unique<RawWs>());
    shares[static_cast<std::size_t>(i % threads)].emplace_back(
        conns.back().get(), ids[static_cast<std::size_t>(i % grappes)]);
  }
  std::atomic<int> subscribed{0};
  const auto t0 = Clock::now();
  r.error = run_on_threads(threads, [&](int t) {
    subscribe_all(server.port(), shares[static_cast<std::size_t>(t)], subscribed,
                  t0 + kConnectLimit);
  });
  r.connected = subscribed;
  if (!r.error.empty()) return r;
  try {
    r.settle_s = std::chrono::duration<double>(wait_quiet(conns) - t0).count();
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  std::uint64_t received = 0;
  for (const auto& ws : conns) received += ws->received();
  r.received_mb = static_cast<double>(received) / (1 << 20);
  auto rss = rss_mb(server.pid());
  if (!rss) r.error = "cannot read the server's VmRSS";
  r.ok = rss.has_value();
  r.rss_mb = rss.value_or(0);
  return r;
}

}  // namespace grappe::bench
