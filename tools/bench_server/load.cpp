// The fan-out phase (the closed-loop phases are in closed_loop.cpp), on RawWs connections: the
// sender on a thread of its own, one command at a time; the subscribers spread over one epoll
// loop per client thread.
#include "load.h"

#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "raw_ws.h"
#include "setup.h"
#include "stats.h"
#include "support/ids.h"

namespace grappe::bench {

namespace {

using namespace std::chrono_literals;

// Every set-up (connect, hello, create, subscribe) of the phase must finish within this.
constexpr auto kSetupLimit = 30s;
// A fan-out command whose event has not reached every subscriber by then fails the phase.
constexpr auto kFanoutCommandLimit = 5s;

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// What the sender and the subscribers share (each index is a command of the sender).
struct Board {
  Board(int commands, int subscribers)
      : sent_ns(static_cast<std::size_t>(commands)),
        receipts(static_cast<std::size_t>(commands)),
        subscribers(subscribers) {}
  std::string prefix = test::new_id() + "-";  // of the sender's command ids
  std::vector<std::atomic<long long>> sent_ns;
  std::vector<std::atomic<int>> receipts;
  const int subscribers;

  std::mutex mu;
  std::condition_variable cv;  // the sender waits on it for `complete` to reach its command
  std::size_t complete = 0;    // commands whose event every subscriber received
  bool stopped = false;        // a thread failed: nobody waits any more

  void stop() {
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  }
};

struct Subscriber {
  RawWs ws;
  std::vector<double> samples;
  std::size_t received = 0;  // events of the board
};

// Not parsed whole (the load leaves the cores to the server): the command id is what counts.
void on_message(Subscriber& sub, std::string_view text, Board& board, long long at) {
  if (text.find("\"type\":\"event\"") == std::string_view::npos) return;  // presence lists
  const std::string_view key = "\"commandId\":\"";
  auto start = text.find(key);
  if (start == std::string_view::npos) throw std::runtime_error("event without commandId");
  start += key.size();
  auto id = text.substr(start, text.find('"', start) - start);
  if (!id.starts_with(board.prefix)) return;
  std::size_t index = 0;
  auto digits = id.substr(board.prefix.size());
  std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (index >= board.receipts.size()) {
    throw std::runtime_error("unexpected command id " + std::string(id));
  }
  sub.samples.push_back(static_cast<double>(at - board.sent_ns[index].load()) / 1e6);
  ++sub.received;
  if (board.receipts[index].fetch_add(1) + 1 == board.subscribers) {
    std::lock_guard lock(board.mu);
    ++board.complete;
    board.cv.notify_all();
  }
}

void receive(const std::vector<Subscriber*>& subs, Board& board, Clock::time_point limit) {
  Epoll ep;
  for (Subscriber* s : subs) ep.add(s->ws.fd(), s);
  const std::size_t expected = board.receipts.size();
  std::size_t pending = subs.size();  // subscribers still waiting for events
  epoll_event events[128];
  while (pending > 0) {
    {
      std::lock_guard lock(board.mu);
      if (board.stopped) return;
    }
    if (Clock::now() > limit) throw std::runtime_error("timed out waiting for events");
    int n = ep.wait(events, 128, 100);
    for (int i = 0; i < n; ++i) {
      auto& s = *static_cast<Subscriber*>(events[i].data.ptr);
      if (!s.ws.fill()) continue;
      const auto at = now_ns();
      const bool waiting = s.received < expected;
      while (auto text = s.ws.next_message()) on_message(s, *text, board, at);
      if (waiting && s.received >= expected) --pending;
    }
  }
}

void send_one_at_a_time(RawWs& sender, const std::string& grappe, Board& board) {
  // Let the presence lists of the subscriptions drain before measuring.
  std::this_thread::sleep_for(1s);
  for (std::size_t i = 0; i < board.sent_ns.size(); ++i) {
    const std::string id = board.prefix + std::to_string(i);
    std::string request = R"({"type":"command","id":")" + id + R"(","grappe":")" + grappe +
                          R"(","name":"PostComment","payload":{"text":"bench-server fan-out )" +
                          std::to_string(i) + R"("}})";
    board.sent_ns[i] = now_ns();
    sender.send_text(request);
    auto deadline = Clock::now() + kFanoutCommandLimit;
    auto answer = sender.wait_answer(id, deadline);
    if (answer.find("\"type\":\"ack\"") == std::string::npos) {
      throw std::runtime_error("rejected: " + answer);
    }
    std::unique_lock lock(board.mu);
    if (!board.cv.wait_until(lock, deadline, [&] { return board.complete > i || board.stopped; })) {
      throw std::runtime_error("an event missed its subscribers");
    }
    if (board.stopped) return;
  }
}

}  // namespace

FanoutResult fanout(unsigned short port, int subscribers, int commands, int threads) {
  FanoutResult r;
  threads = std::clamp(threads, 1, std::max(subscribers, 1));
  const std::string grappe = test::new_id();
  RawWs sender;
  std::vector<std::unique_ptr<Subscriber>> subs;
  std::vector<std::vector<Subscriber*>> shares(static_cast<std::size_t>(threads));
  for (int i = 0; i < subscribers; ++i) {
    subs.push_back(std::make_unique<Subscriber>());
    shares[static_cast<std::size_t>(i % threads)].push_back(subs.back().get());
  }
  auto setup_deadline = Clock::now() + kSetupLimit;
  // The sender is not subscribed: only the subscribers' receipts are measured.
  std::string error;
  try {
    create_grappes(port, {grappe}, setup_deadline);
    sender.open(port, setup_deadline);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) {
    error = run_on_threads(threads, [&](int t) {
      for (Subscriber* s : shares[static_cast<std::size_t>(t)]) {
        s->ws.open(port, setup_deadline);
        s->ws.subscribe(grappe, setup_deadline);
      }
    });
  }
  if (!error.empty()) {
    r.error = "setup: " + error;
    return r;
  }
  Board board(commands, subscribers);
  const auto limit =
      Clock::now() + std::min<Clock::duration>(1s + commands * kFanoutCommandLimit, 120s);
  // Thread 0 sends; the others receive. A failure on any of them stops the others.
  error = run_on_threads(threads + 1, [&](int t) {
    try {
      if (t == 0) {
        send_one_at_a_time(sender, grappe, board);
      } else {
        receive(shares[static_cast<std::size_t>(t - 1)], board, limit);
      }
    } catch (...) {
      board.stop();
      throw;
    }
  });
  if (!error.empty()) {
    r.error = error;
    return r;
  }
  std::vector<double> all;
  for (auto& s : subs) all.insert(all.end(), s->samples.begin(), s->samples.end());
  r.receipts = static_cast<long>(all.size());
  r.p50_ms = percentile(all, 50);
  r.p99_ms = percentile(all, 99);
  r.ok = r.receipts == static_cast<long>(subscribers) * commands;
  if (!r.ok) r.error = "missing receipts";
  return r;
}

}  // namespace grappe::bench
