// The fan-out phase (the closed-loop phases are in closed_loop.cpp).
#include "load.h"

#include <cmath>
#include <stdexcept>

#include "ws_client.h"

namespace grappe::bench {

namespace {

using namespace std::chrono_literals;

// Every setup (connect, hello, create, subscribe) of a phase must finish within this.
constexpr auto kSetupLimit = 30s;
// A fan-out command whose event has not reached every subscriber by then fails the phase.
constexpr auto kFanoutCommandLimit = 5s;

// What the fan-out's sender and subscribers share (each index is a command of the sender).
struct FanoutBoard {
  FanoutBoard(int commands, int subscribers)
      : sent_ns(commands), receipts(commands), subscribers(subscribers) {}
  std::string prefix = new_id() + "-";  // of the sender's command ids
  std::vector<std::atomic<long long>> sent_ns;
  std::vector<std::atomic<int>> receipts;
  const int subscribers;
  // The sender waits on this timer (on its own thread) until the last receipt cancels it.
  net::steady_timer* waiting = nullptr;
  net::any_io_executor sender;
};

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// The fan-out's sender is not subscribed: only the subscribers' receipts are measured.
net::awaitable<void> open_and_create(Conn& conn, unsigned short port, std::string grappe) {
  co_await conn.open(port);
  co_await conn.create_grappe(grappe, "Bench fan-out " + grappe.substr(0, 8));
}

net::awaitable<void> open_and_subscribe(Conn& conn, unsigned short port, std::string grappe) {
  co_await conn.open(port);
  co_await conn.subscribe(grappe);
}

net::awaitable<void> receive_events(Conn& conn, FanoutBoard& board, std::vector<double>& samples) {
  const auto count = board.receipts.size();
  for (std::size_t received = 0; received < count;) {
    auto text = co_await conn.read();
    auto at = now_ns();
    if (text.find(board.prefix) == std::string_view::npos) continue;  // presence lists
    // Not parsed whole (the load leaves the cores to the server): the command id is what counts.
    if (text.find("\"type\":\"event\"") == std::string_view::npos) continue;
    const std::string_view key = "\"commandId\":\"";
    auto start = text.find(key);
    if (start == std::string_view::npos) throw std::runtime_error("event without commandId");
    start += key.size();
    auto id = text.substr(start, text.find('"', start) - start);
    if (!id.starts_with(board.prefix)) continue;
    auto index = std::stoul(std::string(id.substr(board.prefix.size())));
    if (index >= count) throw std::runtime_error("unexpected command id " + std::string(id));
    samples.push_back(static_cast<double>(at - board.sent_ns[index].load()) / 1e6);
    if (board.receipts[index].fetch_add(1) + 1 == board.subscribers) {
      net::post(board.sender, [&board] {
        if (board.waiting) board.waiting->cancel();
      });
    }
    ++received;
  }
}

net::awaitable<void> send_one_at_a_time(Conn& conn, std::string grappe, FanoutBoard& board,
                                        int subscribers, Loops& loops) {
  net::steady_timer timer(co_await net::this_coro::executor);
  try {
    // Let the presence lists of the subscriptions drain before measuring.
    timer.expires_after(1s);
    co_await timer.async_wait(net::use_awaitable);
    for (std::size_t i = 0; i < board.sent_ns.size(); ++i) {
      json payload = {{"text", "bench-server fan-out " + std::to_string(i)}};
      board.sent_ns[i] = now_ns();
      auto answer =
          co_await conn.command(board.prefix + std::to_string(i), grappe, "PostComment", payload);
      if (answer.value("type", "") != "ack") throw std::runtime_error("rejected: " + answer.dump());
      auto deadline = Clock::now() + kFanoutCommandLimit;
      while (board.receipts[i].load() < subscribers) {
        if (Clock::now() > deadline) throw std::runtime_error("an event missed its subscribers");
        timer.expires_at(deadline);
        board.waiting = &timer;
        boost::system::error_code ec;  // cancelled by the last receipt
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        board.waiting = nullptr;
      }
    }
  } catch (...) {
    loops.stop();  // the subscribers would wait for events that never come
    throw;
  }
}

}  // namespace

FanoutResult fanout(unsigned short port, int subscribers, int commands, int threads) {
  FanoutResult r;
  Loops loops(threads);
  auto sender = std::make_unique<Conn>(loops.at(0));
  std::vector<std::unique_ptr<Conn>> subs;
  const std::string grappe = new_id();
  loops.spawn(sender->context(), open_and_create(*sender, port, grappe));
  bool ready = loops.run_for(kSetupLimit) && loops.error().empty();
  for (int i = 0; ready && i < subscribers; ++i) {
    subs.push_back(std::make_unique<Conn>(loops.at(i + 1)));
    loops.spawn(subs.back()->context(), open_and_subscribe(*subs.back(), port, grappe));
  }
  if (!ready || !loops.run_for(kSetupLimit) || !loops.error().empty()) {
    r.error = "setup: " + (loops.error().empty() ? "timed out" : loops.error());
    return r;
  }
  FanoutBoard board(commands, subscribers);
  board.sender = sender->context().get_executor();
  std::vector<std::vector<double>> samples(subs.size());
  for (std::size_t i = 0; i < subs.size(); ++i) {
    loops.spawn(subs[i]->context(), receive_events(*subs[i], board, samples[i]));
  }
  loops.spawn(sender->context(), send_one_at_a_time(*sender, grappe, board, subscribers, loops));
  auto limit =
      1s + commands * std::chrono::duration_cast<std::chrono::milliseconds>(kFanoutCommandLimit);
  if (!loops.run_for(std::min<std::chrono::milliseconds>(limit, 120s)) || !loops.error().empty()) {
    r.error = loops.error().empty() ? "timed out" : loops.error();
    return r;
  }
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  r.receipts = static_cast<long>(all.size());
  r.p50_ms = percentile(all, 50);
  r.p99_ms = percentile(all, 99);
  r.ok = r.receipts == static_cast<long>(subscribers) * commands;
  if (!r.ok) r.error = "missing receipts";
  return r;
}

}  // namespace grappe::bench
