// One WebSocket connection (GET /ws): PROTOCOL.md's messages, on its own strand.
// Members are touched only on the strand; deliver*() may be called from any thread.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "coalescing_stream.h"
#include "core.h"
#include "hub.h"

namespace grappe::server {

inline constexpr int kCloseUnauthorized = 4401;
inline constexpr int kCloseTooSlow = 4408;
inline constexpr int kCloseTooManyFailures = 4429;

class WsSession : public Subscriber, public std::enable_shared_from_this<WsSession> {
 public:
  // `slots` keeps the connection's place within the limits for its life; `client` is the
  // address its limits apply to.
  WsSession(boost::beast::tcp_stream&& stream, Core& core, std::shared_ptr<void> slots,
            boost::asio::ip::address client);
  ~WsSession() override;

  // Completes the upgrade that `request` asked for, then serves messages.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  void deliver_event(const std::string& grappe, std::uint64_t version, Frame frame) override;
  void deliver(Frame frame) override;
  // Closes the connection with `code` (from any thread).
  void close_async(int code);

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void keep_alive();  // the next keep-alive tick
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(const std::string& text);
  void handle_hello(const nlohmann::json& msg);
  // Before a successful hello anything else ends the connection: `error` then close 4401.
  void refuse_unauthenticated(const char* code, const std::string& message);
  void start_hello_deadline();
  void handle_subscribe(const nlohmann::json& msg);
  void handle_unsubscribe(const nlohmann::json& msg);
  void handle_presence(const nlohmann::json& msg);
  void handle_command(const nlohmann::json& msg);
  // Reads the events of `grappe` with version in (from, to] on the reader pool (never on a
  // network thread), then sends them on the strand, followed by the live events held meanwhile.
  void start_catch_up(const std::string& grappe, std::uint64_t from, std::uint64_t to);
  void on_catch_up(const std::string& grappe, std::uint64_t generation, std::uint64_t to,
                   std::optional<std::vector<Frame>> frames);

  void send_json(const nlohmann::json& msg);
  void send_error(const char* code, const std::string& message);
  // Hands a frame from another thread to the strand. Frames handed over in a burst (a command's
  // `ack` and `event`) are queued together and so leave in one send.
  struct Delivery {
    Frame frame;
    std::string grappe;  // set for a grappe event, sent only past the version already sent
    std::uint64_t version = 0;
  };
  void hand_over(Delivery d);
  void take_deliveries();
  // Queues a frame; `bounded`: past the queue limit, close with 4408 instead. False once closing.
  bool push(Frame frame, bool bounded = true);
  // push(), then starts writing.
  void enqueue(Frame frame, bool bounded = true);
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void close(int code);
  void start_close();
  void finish();

  boost::beast::websocket::stream<CoalescingStream> ws_;
  boost::asio::steady_timer keepalive_;
  boost::asio::steady_timer hello_deadline_;
  bool heard_ = false;   // a frame arrived since the last keep-alive tick
  bool pinged_ = false;  // the last tick found the peer silent and pinged it
  Core& core_;
  std::shared_ptr<void> slots_;
  boost::asio::ip::address client_;
  std::optional<TokenBucket> commands_;  // this connection's command rate; none: unlimited
  boost::beast::flat_buffer buffer_;
  std::deque<Frame> queue_;
  std::mutex inbox_mu_;
  std::vector<Delivery> inbox_;  // under inbox_mu_
  bool take_posted_ = false;     // under inbox_mu_
  bool writing_ = false;
  bool closing_ = false;
  int close_code_ = 0;  // a close waiting for the write in flight
  bool finished_ = false;
  std::optional<domain::User> user_;
  struct Subscription {
    std::uint64_t sent = 0;        // events at or below this version are not sent again
    std::uint64_t generation = 0;  // which subscribe a catch-up result belongs to
    std::optional<std::vector<Delivery>> held;  // live events that wait for the catch-up
  };
  std::unordered_map<std::string, Subscription> subscribed_;
  std::uint64_t generations_ = 0;
};

}  // namespace grappe::server
