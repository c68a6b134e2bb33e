#include "idle.h"

#include "ws_client.h"

namespace grappe::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto kConnectLimit = 60s;
constexpr auto kQuietLimit = 20s;
constexpr auto kQuiet = 1s;  // no message for this long: the connections are idle

struct IdleBoard {
  std::atomic<int> subscribed{0};
  std::atomic<long long> last_message_ns{0};
  std::atomic<bool> measured{false};
  double rss_mb = 0;
  std::string error;
};

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

net::awaitable<void> create_grappes(Conn& conn, unsigned short port, std::vector<std::string> ids) {
  co_await conn.open(port);
  for (const auto& id : ids) co_await conn.create_grappe(id, "Bench idle " + id.substr(0, 8));
}

// Subscribes, then keeps reading (without parsing) so that the server never has to queue frames
// for this connection; ends when its io_context is stopped.
net::awaitable<void> subscribe_and_drain(Conn& conn, unsigned short port, std::string grappe,
                                         IdleBoard& board) {
  co_await conn.open(port);
  co_await conn.subscribe(grappe);
  board.last_message_ns = now_ns();
  ++board.subscribed;
  for (;;) {
    co_await conn.read();
    board.last_message_ns = now_ns();
  }
}

net::awaitable<void> measure_when_quiet(ServerProcess& server, int connections, IdleBoard& board,
                                        Loops& loops) {
  net::steady_timer timer(co_await net::this_coro::executor);
  auto wait = [&](std::chrono::milliseconds ms) {
    timer.expires_after(ms);
    return timer.async_wait(net::use_awaitable);
  };
  auto t0 = Clock::now();
  while (board.subscribed < connections) {
    if (!loops.error().empty() || Clock::now() - t0 > kConnectLimit) {
      board.error = loops.error().empty() ? "not all subscribed in time" : loops.error();
      loops.stop();
      co_return;
    }
    co_await wait(10ms);
  }
  auto quiet_from = Clock::now();
  while (now_ns() - board.last_message_ns < std::chrono::nanoseconds(kQuiet).count()) {
    if (Clock::now() - quiet_from > kQuietLimit) {
      board.error = "the connections did not go quiet";
      loops.stop();
      co_return;
    }
    co_await wait(50ms);
  }
  if (!loops.error().empty()) {
    board.error = loops.error();  // a connection failed after subscribing
  } else if (auto rss = server.rss_mb()) {
    board.rss_mb = *rss;
    board.measured = true;
  } else {
    board.error = "cannot read the server's VmRSS";
  }
  loops.stop();
}

}  // namespace

IdleResult idle_rss(ServerProcess& server, int connections, int grappes, int threads) {
  IdleResult r;
  Loops loops(threads);
  std::vector<std::string> ids;
  for (int g = 0; g < grappes; ++g) ids.push_back(new_id());
  auto creator = std::make_unique<Conn>(loops.at(0));
  loops.spawn(creator->context(), create_grappes(*creator, server.port(), ids));
  if (!loops.run_for(30s) || !loops.error().empty()) {
    r.error = "creating grappes: " + (loops.error().empty() ? "timed out" : loops.error());
    return r;
  }
  IdleBoard board;
  std::vector<std::unique_ptr<Conn>> conns;
  auto t0 = Clock::now();
  for (int i = 0; i < connections; ++i) {
    conns.push_back(std::make_unique<Conn>(loops.at(i)));
    auto grappe = ids[static_cast<std::size_t>(i % grappes)];
    loops.spawn(conns.back()->context(),
                subscribe_and_drain(*conns.back(), server.port(), grappe, board));
  }
  loops.spawn(loops.at(0), measure_when_quiet(server, connections, board, loops));
  loops.run_for(kConnectLimit + kQuietLimit + 10s);
  r.connected = board.subscribed;
  r.settle_s =
      static_cast<double>(
          board.last_message_ns -
          std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count()) /
      1e9;
  r.ok = board.measured;
  r.rss_mb = board.rss_mb;
  r.error = r.ok ? "" : (board.error.empty() ? "timed out" : board.error);
  return r;
}

}  // namespace grappe::bench
