// The layer under a WebSocket connection's Beast stream that turns the frames written in a row
// into one send(2). Beast writes each message with its own write; a command answered to its
// sender costs two frames (its `event` and its `ack`), and a system call is the dearest part of
// a frame. The connection corks the layer while it writes its queue and uncorks it when the
// queue is empty: everything written in between leaves together. Writes made while uncorked
// (Beast's handshake, pong and close frames) leave at the end of the current handler.
//
// Back-pressure is kept: a write completes at once only while fewer than kHighWater bytes wait;
// past that it completes when the socket took them, so a reader that stalls still fills the
// connection's queue (and is closed with 4408).
//
// Used on the connection's strand only. State lives in a shared block that pending operations
// hold, and the socket is closed when the layer is destroyed.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace grappe::server {

class CoalescingStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using next_layer_type = boost::beast::tcp_stream;
  using error_code = boost::beast::error_code;

  static constexpr std::size_t kHighWater = 64 * 1024;

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

  // Writes are buffered until uncork(), or until kHighWater bytes wait.
  void cork() { state_->corked = true; }
  // Sends what waits now, in one write.
  void uncork() {
    state_->corked = false;
    send_now(state_);
  }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return state_->stream.socket().async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(error_code, std::size_t)>(
        [state = state_](auto done, const ConstBufferSequence& buffers) {
          write(state, buffers, std::move(done));
        },
        handler, buffers);
  }

  // Calls `done` (posted) once every byte written so far has been sent, or the socket failed.
  void when_drained(std::move_only_function<void(error_code)> done) {
    auto& st = *state_;
    st.corked = false;
    send_now(state_);
    if (st.error || drained(st)) {
      boost::asio::post(st.stream.get_executor(),
                        [done = std::move(done), ec = st.error]() mutable { done(ec); });
    } else {
      st.on_drained.push_back(std::move(done));
    }
  }

  boost::asio::ip::tcp::socket& socket() { return state_->stream.socket(); }

 private:
  using Done = std::move_only_function<void(error_code, std::size_t)>;
  struct Held {
    std::string bytes;
    Done done;
  };
  struct State {
    explicit State(boost::beast::tcp_stream&& s) : stream(std::move(s)) {}
    boost::beast::tcp_stream stream;
    std::string pending;  // written by the layer above, not yet handed to the socket
    std::string sending;  // handed to the socket
    bool in_flight = false;
    bool corked = false;
    bool flush_posted = false;
    error_code error;
    std::vector<Held> held;  // writes waiting for room
    std::vector<std::move_only_function<void(error_code)>> on_drained;
  };
  using StatePtr = std::shared_ptr<State>;

  static bool drained(const State& st) {
    return !st.in_flight && st.pending.empty() && st.held.empty();
  }

  static void complete(State& st, Done done, error_code ec, std::size_t n) {
    boost::asio::post(st.stream.get_executor(),
                      [done = std::move(done), ec, n]() mutable { done(ec, n); });
  }

  template <class ConstBufferSequence, class Handler>
  static void write(const StatePtr& state, const ConstBufferSequence& buffers, Handler handler) {
    auto& st = *state;
    std::size_t n = boost::asio::buffer_size(buffers);
    if (st.error) return complete(st, std::move(handler), st.error, 0);
    std::string* into = &st.pending;
    if (st.pending.size() >= kHighWater) {
      st.held.push_back({std::string(), Done(std::move(handler))});
      into = &st.held.back().bytes;
    }
    auto at = into->size();
    into->resize(at + n);
    boost::asio::buffer_copy(boost::asio::buffer(into->data() + at, n), buffers);
    if (into == &st.pending) complete(st, Done(std::move(handler)), {}, n);
    if (st.in_flight) return;
    if (st.pending.size() >= kHighWater) return send_now(state);
    if (st.corked || st.flush_posted) return;
    // Uncorked: what the current handler writes next leaves with it.
    st.flush_posted = true;
    boost::asio::post(st.stream.get_executor(), [state] {
      state->flush_posted = false;
      send_now(state);
    });
  }

  static void send_now(const StatePtr& state) {
    auto& st = *state;
    if (st.in_flight || st.error || st.pending.empty()) return;
    st.sending.swap(st.pending);
    st.in_flight = true;
    boost::asio::async_write(st.stream.socket(), boost::asio::buffer(st.sending),
                             [state](error_code ec, std::size_t) { on_sent(state, ec); });
  }

  static void on_sent(const StatePtr& state, error_code ec) {
    auto& st = *state;
    st.in_flight = false;
    if (st.sending.capacity() > 4 * kHighWater) {
      std::string().swap(st.sending);
    } else {
      st.sending.clear();
    }
    if (ec) {
      st.error = ec;
      for (auto& h : st.held) complete(st, std::move(h.done), ec, 0);
      st.held.clear();
    } else {
      std::size_t taken = 0;
      while (taken < st.held.size() && st.pending.size() < kHighWater) {
        auto& h = st.held[taken++];
        st.pending += h.bytes;
        complete(st, std::move(h.done), {}, h.bytes.size());
      }
      st.held.erase(st.held.begin(), st.held.begin() + static_cast<std::ptrdiff_t>(taken));
      if (!st.corked || st.pending.size() >= kHighWater) send_now(state);
    }
    if (st.error || drained(st)) {
      auto callbacks = std::move(st.on_drained);
      st.on_drained.clear();
      for (auto& f : callbacks) f(st.error);
    }
  }

  StatePtr state_;
};

// Beast's WebSocket close ends with a teardown of the layer below: send what waits first.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream,
                    TeardownHandler&& handler) {
  stream.when_drained(
      [role, &socket = stream.socket(),
       handler = std::forward<TeardownHandler>(handler)](CoalescingStream::error_code) mutable {
        boost::beast::websocket::async_teardown(role, socket, std::move(handler));
      });
}

inline void teardown(boost::beast::role_type role, CoalescingStream& stream,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.socket(), ec);
}

}  // namespace grappe::server
