// A synchronous WebSocket client of grappe-server's /ws (Beast), every wait with a deadline.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grappe::test {

// One connection to ws://127.0.0.1:PORT/ws on its own io_context, run only while a call waits.
// Not thread-safe: one thread uses it. Failures (connect, handshake, write, a read past its
// timeout) throw std::runtime_error or boost::system::system_error.
class Ws {
 public:
  using json = nlohmann::json;

  // Connects and upgrades (≤ 10 s each). `rcvbuf` > 0: the socket's receive buffer, set before the
  // connect (a small one makes a slow reader).
  explicit Ws(unsigned short port, int rcvbuf = 0);
  // Writes one text message (≤ 10 s).
  void send(const json& msg);
  void send_text(const std::string& text);
  // The next message (throws on timeout or close).
  json read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until a message of `type` (other messages are kept in `skipped`).
  json read_until(const std::string& type,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // hello with `token`; returns the welcome.
  json hello(const std::string& token, const std::string& client = "server-tests/1");
  // Reads until the `ack` or `rejected` of command `id` (others kept in `skipped`); throws on an
  // `error` message or at the timeout.
  json answer(const std::string& id, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the server closes; returns the close code (0 if none).
  int read_close_code(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // True when the server ends the TCP connection (FIN or reset) within `timeout`. Reads nothing,
  // so it answers no ping meanwhile: a test of a silent peer waits on this.
  bool peer_closed_within(std::chrono::milliseconds timeout);
  boost::beast::websocket::stream<boost::beast::tcp_stream>& stream() { return ws_; }
  std::vector<json> skipped;

 private:
  using Completion = std::function<void(boost::system::error_code)>;
  static constexpr std::chrono::milliseconds kWriteTimeout{10000};
  boost::system::error_code run_for(const std::function<void(Completion)>& start,
                                    std::chrono::milliseconds timeout);
  boost::system::error_code read_for(std::chrono::milliseconds timeout);
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace grappe::test
