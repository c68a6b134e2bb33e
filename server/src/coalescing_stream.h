// The layer under a WebSocket connection's Beast stream that turns the frames written in a row
// into one send(2). Beast writes each message with its own write; a command answered to its
// sender costs two frames (its `event` and its `ack`), and a system call is the dearest part of
// a frame. The connection corks the layer while it writes a queue of several frames and uncorks
// it when the queue is empty: everything written in between leaves together. Writes made while
// uncorked (a lone frame; Beast's handshake, pong and close frames) leave at once.
//
// Only small frames (up to kJoinLimit, kHighWater in all) are copied to be joined; a larger one
// waits, uncopied, for those before it, then goes out on its own. Back-pressure is kept: a write
// that is not copied completes when the socket took it, so a reader that stalls still fills the
// connection's queue (and is closed with 4408). An idle connection keeps no buffer larger than
// kKeptCapacity.
//
// Used on the connection's strand only. State lives in a shared block that pending operations
// hold, and the socket is closed when the layer is destroyed.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "handshake.h"

namespace grappe::server {

class CoalescingStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using next_layer_type = boost::beast::tcp_stream;
  using error_code = boost::beast::error_code;

  static constexpr std::size_t kHighWater = 16 * 1024;
  static constexpr std::size_t kKeptCapacity = 4 * 1024;
  static constexpr std::size_t kJoinLimit = 2 * 1024;  // larger writes are not copied

  explicit CoalescingStream(boost::beast::tcp_stream&& stream)
      : state_(std::make_shared<State>(std::move(stream))) {}
  CoalescingStream(CoalescingStream&&) = default;
  CoalescingStream& operator=(CoalescingStream&&) = default;
  ~CoalescingStream() {
    if (!state_) return;
    error_code ec;
    state_->stream.socket().close(ec);  // ends a send still waiting on a peer that reads nothing
  }

  executor_type get_executor() noexcept { return state_->stream.get_executor(); }
  next_layer_type& next_layer() noexcept { return state_->stream; }

  // Small writes are joined until uncork().
  void cork() { state_->corked = true; }
  // Sends what waits now, in one write.
  void uncork() {
    state_->corked = false;
    send_next(state_);
  }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return state_->stream.socket().async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(error_code, std::size_t)>(
        [state = state_](auto done, const ConstBufferSequence& buffers) {
          // Beast answers a close frame with the peer's own code, even one a peer may not send
          // (5000, 65535); PROTOCOL.md v2 asks for 1002 then. Our own closes use valid codes, so
          // a close frame with an invalid code leaving here is such an echo.
          if (is_invalid_close_echo(buffers)) {
            static constexpr unsigned char kProtocolError[] = {0x88, 0x02, 0x03, 0xEA};
            return write(state, boost::asio::const_buffer(kProtocolError, 4), std::move(done));
          }
          write(state, buffers, std::move(done));
        },
        handler, buffers);
  }

  // Calls `done` (posted) once every byte written so far has been sent, or the socket failed.
  void when_drained(std::move_only_function<void(error_code)> done) {
    auto& st = *state_;
    st.corked = false;
    send_next(state_);
    if (st.error || drained(st)) {
      boost::asio::post(st.stream.get_executor(),
                        [done = std::move(done), ec = st.error]() mutable { done(ec); });
    } else {
      st.on_drained.push_back(std::move(done));
    }
  }

  boost::asio::ip::tcp::socket& socket() { return state_->stream.socket(); }

 private:
  struct State {
    explicit State(boost::beast::tcp_stream&& s) : stream(std::move(s)) {}
    boost::beast::tcp_stream stream;
    std::string pending;  // written by the layer above, not yet handed to the socket
    std::string sending;  // handed to the socket
    bool in_flight = false;
    bool corked = false;
    error_code error;
    std::vector<std::move_only_function<void()>> held;  // writes sent as they are, in turn
    std::vector<std::move_only_function<void(error_code)>> on_drained;
  };
  using StatePtr = std::shared_ptr<State>;

  // A server close frame with a 2-byte payload holding a code outside those RFC 6455 lets a peer
  // send.
  template <class ConstBufferSequence>
  static bool is_invalid_close_echo(const ConstBufferSequence& buffers) {
    if (boost::asio::buffer_size(buffers) != 4) return false;
    unsigned char frame[4];
    boost::asio::buffer_copy(boost::asio::buffer(frame), buffers);
    return frame[0] == 0x88 && frame[1] == 0x02 && !valid_close_code((frame[2] << 8) | frame[3]);
  }

  static bool drained(const State& st) {
    return !st.in_flight && st.pending.empty() && st.held.empty();
  }

  template <class Handler>
  static void complete(State& st, Handler done, error_code ec, std::size_t n) {
    boost::asio::post(st.stream.get_executor(),
                      [done = std::move(done), ec, n]() mutable { done(ec, n); });
  }

  template <class ConstBufferSequence, class Handler>
  static void write(const StatePtr& state, const ConstBufferSequence& buffers, Handler handler) {
    auto& st = *state;
    std::size_t n = boost::asio::buffer_size(buffers);
    if (st.error) return complete(st, std::move(handler), st.error, 0);
    bool idle = !st.in_flight && st.pending.empty() && st.held.empty();
    if ((idle && !st.corked) || !st.held.empty() || n > kJoinLimit ||
        st.pending.size() + n > kHighWater) {
      // Sent as it is, completing `handler` once sent: at once when nothing waits to be joined
      // with it, else (too large to copy) after what was written before it.
      st.held.push_back([state, buffers, handler = std::move(handler)]() mutable {
        auto& st = *state;
        st.in_flight = true;
        auto ex = boost::asio::get_associated_executor(handler, st.stream.get_executor());
        boost::asio::async_write(
            st.stream.socket(), buffers,
            boost::asio::bind_executor(
                ex, [state, handler = std::move(handler)](error_code ec, std::size_t sent) mutable {
                  on_sent(state, ec);
                  handler(ec, sent);
                }));
      });
      send_next(state);
      return;
    }
    auto at = st.pending.size();
    st.pending.resize(at + n);
    boost::asio::buffer_copy(boost::asio::buffer(st.pending.data() + at, n), buffers);
    complete(st, std::move(handler), {}, n);
    if (!st.corked) send_next(state);
  }

  // Starts the next socket write unless one is in flight: the copied bytes first, then a held
  // write.
  static void send_next(const StatePtr& state) {
    auto& st = *state;
    if (st.in_flight || st.error) return;
    if (!st.pending.empty()) {
      st.sending.swap(st.pending);
      st.in_flight = true;
      boost::asio::async_write(st.stream.socket(), boost::asio::buffer(st.sending),
                               [state](error_code ec, std::size_t) { on_sent(state, ec); });
    } else if (!st.held.empty()) {
      send_next_held(state);
    }
  }

  static void send_next_held(const StatePtr& state) {
    auto held = std::move(state->held.front());
    state->held.erase(state->held.begin());
    held();
  }

  static void on_sent(const StatePtr& state, error_code ec) {
    auto& st = *state;
    st.in_flight = false;
    // An idle connection keeps no large buffer (a thousand of them must stay small).
    if (st.sending.capacity() > kKeptCapacity) {
      std::string().swap(st.sending);
    } else {
      st.sending.clear();
    }
    if (ec) {
      st.error = ec;
      // Each held write then fails in turn on the failed socket, completing its handler.
      if (!st.held.empty()) send_next_held(state);
    } else if (!st.corked || !st.held.empty() || st.pending.size() >= kHighWater) {
      send_next(state);
    }
    if (st.error || drained(st)) {
      auto callbacks = std::move(st.on_drained);
      st.on_drained.clear();
      for (auto& f : callbacks) f(st.error);
    }
  }

  StatePtr state_;
};

namespace detail {

// Ends a server connection as RFC 6455 §7.1.1 asks: shut our side, read (and drop) what the peer
// still sends until it closes too, then close. Bounded: at most kTeardownTime. Beast's own
// teardown stops at its first successful read (1.81), and closing a socket with unread bytes
// sends a reset that can make the peer lose the close frame (1009 for an oversized message).
class Drain : public std::enable_shared_from_this<Drain> {
 public:
  static constexpr std::chrono::seconds kTeardownTime{5};
  Drain(boost::asio::ip::tcp::socket& socket,
        std::move_only_function<void(boost::beast::error_code)> done)
      : socket_(socket), timer_(socket.get_executor()), done_(std::move(done)) {}
  void start() {
    boost::beast::error_code ignored;
    socket_.shutdown(boost::asio::socket_base::shutdown_send, ignored);
    timer_.expires_after(kTeardownTime);
    timer_.async_wait([self = shared_from_this()](boost::beast::error_code ec) {
      if (!ec) self->finish();
    });
    read();
  }

 private:
  void read() {
    socket_.async_read_some(boost::asio::buffer(buf_),
                            [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                              if (ec) return self->finish();
                              self->read();
                            });
  }
  void finish() {
    if (!done_) return;
    timer_.cancel();
    boost::beast::error_code ignored;
    socket_.close(ignored);
    auto done = std::move(done_);
    done_ = nullptr;
    done(boost::beast::error_code{});
  }
  boost::asio::ip::tcp::socket& socket_;
  boost::asio::steady_timer timer_;
  std::move_only_function<void(boost::beast::error_code)> done_;
  char buf_[4096];
};

}  // namespace detail

// Beast's WebSocket close ends with a teardown of the layer below: send what waits first, then
// (as a server) drain the peer until it closes.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream,
                    TeardownHandler&& handler) {
  stream.when_drained(
      [role, &socket = stream.socket(),
       handler = std::forward<TeardownHandler>(handler)](CoalescingStream::error_code) mutable {
        if (role != boost::beast::role_type::server) {
          return boost::beast::websocket::async_teardown(role, socket, std::move(handler));
        }
        auto ex = boost::asio::get_associated_executor(handler, socket.get_executor());
        std::make_shared<detail::Drain>(socket, [ex, handler = std::move(handler)](
                                                    boost::beast::error_code ec) mutable {
          boost::asio::post(ex, [handler = std::move(handler), ec]() mutable { handler(ec); });
        })->start();
      });
}

inline void teardown(boost::beast::role_type role, CoalescingStream& stream,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.socket(), ec);
}

}  // namespace grappe::server
