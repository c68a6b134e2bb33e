// WebSocket clients of the benchmark: C++20 coroutines on a few io_contexts, one thread each.
// A connection lives on one io_context and is only touched from that io_context's thread, so no
// connection needs a strand; the work of one phase is spread over the io_contexts round-robin.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::bench {

namespace net = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A signed-in WebSocket connection to the server's /ws.
class Conn {
 public:
  explicit Conn(net::io_context& ioc) : ioc_(ioc), ws_(ioc) {}
  net::io_context& context() { return ioc_; }

  // TCP connect, WebSocket handshake, `hello` with kToken; returns when `welcome` arrives.
  net::awaitable<void> open(unsigned short port);
  net::awaitable<void> send(const json& msg);
  net::awaitable<void> send_text(std::string text);
  // The next text message; throws when the connection fails or closes.
  net::awaitable<std::string_view> read();
  // Sends `command` (id, grappe, name, payload) and reads until its `ack` or `rejected`; messages
  // in between (events, presence) are skipped. Returns the answer; throws on an `error` message.
  net::awaitable<json> command(const std::string& id, const std::string& grappe,
                               const std::string& name, const json& payload);
  // Subscribes to `grappe` and reads until its snapshot.
  net::awaitable<void> subscribe(const std::string& grappe);
  // CreateGrappe by the benchmark's porteur; throws unless acknowledged.
  net::awaitable<void> create_grappe(const std::string& grappe, const std::string& name);

 private:
  net::io_context& ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
};

// A fresh UUID-like id (for grappes and command ids).
std::string new_id();
// The `hello` message with the benchmark's token, and the payload of its CreateGrappe commands
// (by the benchmark's porteur); shared by the Beast and the raw clients.
json hello_message();
json create_grappe_payload(const std::string& name);

// The io_contexts of one phase, and the coroutine tasks spawned on them.
class Loops {
 public:
  explicit Loops(int threads);
  int size() const { return static_cast<int>(iocs_.size()); }
  net::io_context& at(int i) { return *iocs_[static_cast<std::size_t>(i) % iocs_.size()]; }
  // Starts `task` on `ioc`. A task that throws records the first error (see error()).
  void spawn(net::io_context& ioc, net::awaitable<void> task);
  // Runs each io_context on its own thread until every task has finished, stop() is called, or
  // `limit` has passed. True when every task finished (with or without an error).
  bool run_for(std::chrono::milliseconds limit);
  // Makes run_for() return early, from any thread.
  void stop();
  // The first error a task threw since construction; empty when none.
  std::string error() const;

 private:
  std::vector<std::unique_ptr<net::io_context>> iocs_;
  std::atomic<int> pending_{0};
  mutable std::mutex mu_;
  std::string error_;
};

// The p-th percentile (0–100) of `samples` in ms, nearest rank; sorts `samples`. NaN when empty.
double percentile(std::vector<double>& samples, double p);

// Seconds since `t0`.
inline double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace grappe::bench
