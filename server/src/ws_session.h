// One WebSocket connection (GET /ws): frames, the send queue and timers, on its own strand. What
// the messages mean is ws_protocol.h's. Members are touched only on the strand; deliver*() may
// be called from any thread.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "coalescing_stream.h"
#include "server_context.h"
#include "ws_protocol.h"

namespace grappe::server {

class WsSession : public Subscriber,
                  public ClientLink,
                  public std::enable_shared_from_this<WsSession> {
 public:
  // `slots` keeps the connection's place within the limits for its life; `client` is the
  // address its limits apply to.
  WsSession(boost::beast::tcp_stream&& stream, ServerContext& server, std::shared_ptr<void> slots,
            boost::asio::ip::address client);
  ~WsSession() override;

  // Completes the upgrade that `request` asked for, then serves messages.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // Subscriber.
  void deliver_event(const std::string& grappe, std::uint64_t version, Frame frame) override;
  void deliver(Frame frame) override;
  // Closes the connection with `code` (from any thread).
  void close_async(int code);

  // ClientLink.
  bool send(Frame frame, bool bounded = true) override;
  void close(int code) override;
  void signed_in(const domain::User& user) override;
  std::shared_ptr<Subscriber> subscriber() override { return shared_from_this(); }
  std::function<void(Frame)> sender() override;
  void on_strand(std::function<void(ClientContext&)> fn) override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void keep_alive();  // the next keep-alive tick
  void start_hello_deadline();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Runs protocol code; the frames it sends leave together once it returns.
  template <class Fn>
  void with_protocol(Fn fn) {
    ClientContext ctx{server_, state_, *this};
    batching_ = true;
    fn(ctx);
    batching_ = false;
    flush();
  }
  // Hands a frame from another thread to the strand. Frames handed over in a burst (a command's
  // `ack` and `event`) are queued together and so leave in one send.
  void hand_over(Delivery d);
  void take_deliveries();
  void flush();  // starts writing the queue unless a write is in flight
  void write_front();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void start_close();
  void finish();

  boost::beast::websocket::stream<CoalescingStream> ws_;
  boost::asio::steady_timer keepalive_;
  boost::asio::steady_timer hello_deadline_;
  bool heard_ = false;   // a frame arrived since the last keep-alive tick
  bool pinged_ = false;  // the last tick found the peer silent and pinged it
  bool used_ = false;    // a message (not a control frame) arrived since the last tick
  ServerContext& server_;
  std::shared_ptr<void> slots_;
  ClientState state_;
  boost::beast::flat_buffer buffer_;
  std::deque<Frame> queue_;
  std::mutex inbox_mu_;
  std::vector<Delivery> inbox_;  // under inbox_mu_
  bool take_posted_ = false;     // under inbox_mu_
  bool batching_ = false;        // inside with_protocol(): frames wait for its end
  bool writing_ = false;
  bool closing_ = false;
  int close_code_ = 0;  // a close waiting for the write in flight
  bool finished_ = false;
};

}  // namespace grappe::server
