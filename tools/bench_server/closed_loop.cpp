// The closed-loop phases (c1, c16, c64) on RawWs connections, one epoll loop per thread.

#include <atomic>
#include <memory>
#include <stdexcept>

#include "load.h"
#include "raw_ws.h"
#include "setup.h"
#include "stats.h"
#include "support/ids.h"

namespace grappe::bench {

namespace {

using namespace std::chrono_literals;

// Every set-up (connect, hello, create, subscribe) of a phase must finish within this.
constexpr auto kSetupLimit = 30s;
// Grace for the commands in flight when the phase's time is up.
constexpr auto kGrace = 15s;

// One connection of the phase: its grappe, the command in flight and what it measured.
struct Slot {
  RawWs ws;
  std::string grappe = test::new_id();
  std::string prefix = test::new_id() + "-";  // of its command ids, unique for the whole server
  long n = 0;
  std::string quoted_id;  // "id":"<id of the command in flight>"
  Clock::time_point sent;
  bool busy = false;
  std::vector<double> latencies_ms;
  long rejected = 0;
  Clock::time_point finished;
};

// What the threads of a phase share.
struct Phase {
  Clock::time_point end;
  Clock::time_point limit;
  std::atomic<long> budget;
};

// Sends the slot's next command if the phase has time and budget left; false when it is done.
bool send_next(Slot& s, Phase& phase) {
  if (Clock::now() >= phase.end || phase.budget.fetch_sub(1) <= 0) {
    s.busy = false;
    s.finished = Clock::now();
    return false;
  }
  const std::string id = s.prefix + std::to_string(s.n);
  // Written out directly (ids of the benchmark need no escaping).
  std::string request = R"({"type":"command","id":")" + id + R"(","grappe":")" + s.grappe +
                        R"(","name":"PostComment","payload":{"text":"bench-server comment )" +
                        std::to_string(s.n) + R"("}})";
  ++s.n;
  s.quoted_id = R"("id":")" + id + '"';
  s.busy = true;
  s.sent = Clock::now();
  s.ws.send_text(request);
  return true;
}

// Handles one message of busy slot `s`; false when the slot has finished.
bool on_message(Slot& s, std::string_view text, Phase& phase) {
  // Events and presence lists are the bulk of what a subscriber receives: not parsed (an
  // `"type":"event"` pair can only be an event's: answers and errors hold no such pair).
  if (text.find("\"type\":\"event\"") != std::string_view::npos) return true;
  if (text.find("\"type\":\"error\"") != std::string_view::npos) {
    throw std::runtime_error("error answer to a command: " + std::string(text));
  }
  if (text.find(s.quoted_id) == std::string_view::npos) return true;
  if (text.find("\"type\":\"ack\"") != std::string_view::npos) {
    s.latencies_ms.push_back(1000.0 * since(s.sent));
  } else if (text.find("\"type\":\"rejected\"") != std::string_view::npos) {
    ++s.rejected;
  } else {
    return true;
  }
  return send_next(s, phase);
}

void drive(std::vector<Slot*>& slots, Phase& phase) {
  Epoll ep;
  for (Slot* s : slots) ep.add(s->ws.fd(), s);
  std::size_t active = 0;
  for (Slot* s : slots) active += send_next(*s, phase) ? 1 : 0;
  epoll_event events[128];
  while (active > 0) {
    if (Clock::now() > phase.limit) throw std::runtime_error("timed out");
    int n = ep.wait(events, 128, 100);
    for (int i = 0; i < n; ++i) {
      auto& s = *static_cast<Slot*>(events[i].data.ptr);
      if (!s.ws.fill()) continue;
      while (auto text = s.ws.next_message()) {
        if (s.busy && !on_message(s, *text, phase)) --active;
      }
    }
  }
}

// Creates each slot's grappe, then connects the slots and subscribes each to its grappe, `shares`
// on a thread each; the first error, or empty.
std::string set_up(unsigned short port, const std::vector<std::unique_ptr<Slot>>& slots,
                   std::vector<std::vector<Slot*>>& shares) {
  const auto deadline = Clock::now() + kSetupLimit;
  std::vector<std::string> grappes;
  for (const auto& s : slots) grappes.push_back(s->grappe);
  try {
    create_grappes(port, grappes, deadline);
  } catch (const std::exception& e) {
    return e.what();
  }
  return run_on_threads(static_cast<int>(shares.size()), [&](int t) {
    for (Slot* s : shares[static_cast<std::size_t>(t)]) {
      s->ws.open(port, deadline);
      s->ws.subscribe(s->grappe, deadline);
    }
  });
}

}  // namespace

LoadResult closed_loop(unsigned short port, int connections, const LoadSettings& settings) {
  LoadResult r;
  const int threads = std::clamp(settings.threads, 1, std::max(connections, 1));
  std::vector<std::unique_ptr<Slot>> slots;
  std::vector<std::vector<Slot*>> shares(static_cast<std::size_t>(threads));
  for (int i = 0; i < connections; ++i) {
    slots.push_back(std::make_unique<Slot>());
    shares[static_cast<std::size_t>(i % threads)].push_back(slots.back().get());
  }
  Phase phase;
  auto error = set_up(port, slots, shares);
  if (!error.empty()) {
    r.error = "setup: " + error;
    return r;
  }
  phase.budget = settings.max_commands;
  auto t0 = Clock::now();
  phase.end = t0 + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(settings.seconds));
  phase.limit = phase.end + kGrace;
  error =
      run_on_threads(threads, [&](int t) { drive(shares[static_cast<std::size_t>(t)], phase); });
  if (!error.empty()) {
    r.error = error;
    return r;
  }
  std::vector<double> all;
  auto last = t0;
  for (auto& s : slots) {
    all.insert(all.end(), s->latencies_ms.begin(), s->latencies_ms.end());
    r.rejected += s->rejected;
    last = std::max(last, s->finished);
  }
  r.acked = static_cast<long>(all.size());
  r.seconds = std::chrono::duration<double>(last - t0).count();
  r.per_s = r.seconds > 0 ? static_cast<double>(r.acked) / r.seconds : 0;
  r.p50_ms = percentile(all, 50);
  r.p99_ms = percentile(all, 99);
  r.ok = r.acked > 0;
  if (!r.ok) r.error = "no command acknowledged";
  return r;
}

}  // namespace grappe::bench
