#include "ws_session.h"

#include <spdlog/spdlog.h>

#include "signin.h"
#include "version.h"

namespace grappe::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

WsSession::WsSession(beast::tcp_stream&& stream, ServerContext& server, std::shared_ptr<void> slots,
                     net::ip::address client)
    : ws_(std::move(stream)),
      keepalive_(ws_.get_executor()),
      hello_deadline_(ws_.get_executor()),
      server_(server),
      slots_(std::move(slots)),
      state_{client, server.limits.command_bucket(client), {}, {}, 0, {}, {}} {
  server_.metrics.connection_opened();
}

WsSession::~WsSession() {
  server_.metrics.connection_closed();
}

void WsSession::run(beast::http::request<beast::http::string_body> request) {
  // A sign-in session's cookie on the upgrade lets `hello` come without a token.
  if (server_.signin) state_.session_cookie = cookie_value(request, kSessionCookie);
  beast::get_lowest_layer(ws_).expires_never();
  // Beast's idle timeout re-arms a timer on every read: the keep-alive tick below does its job
  // (ping a silent peer, drop a dead one) with one timer wake every --keepalive seconds instead.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard_ = true; });
  // A message over --max-frame is refused from its frame header: Beast sends close 1009 and
  // drains what the peer still sends until it closes (no payload is awaited first).
  ws_.read_message_max(server_.options.max_frame);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, std::string("grappe/") + kServerVersion);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
  }));
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return;
  auto self = shared_from_this();
  std::weak_ptr<WsSession> weak = self;
  server_.sessions.add(this, "", [weak](int code) {
    if (auto s = weak.lock()) s->close_async(code);
  });
  spdlog::info("ws {}: connected from {}", static_cast<const void*>(&state_),
               beast::get_lowest_layer(ws_).socket().remote_endpoint().address().to_string());
  do_read();
  keep_alive();
  start_hello_deadline();
}

void WsSession::start_hello_deadline() {
  hello_deadline_.expires_after(std::chrono::seconds(server_.options.hello_timeout));
  hello_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    self->with_protocol(handle_hello_timeout);
  });
}

void WsSession::keep_alive() {
  // A peer silent for a whole tick is pinged; silent for the next one too, it is dropped.
  keepalive_.expires_after(std::chrono::seconds(server_.options.keepalive));
  keepalive_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;  // a closing connection has its own timeout
    // Said hello by a sign-in cookie: the session must still be live (a message counts as use).
    const auto& hash = self->state_.browser_session;
    if (!hash.empty() && self->server_.signin &&
        !self->server_.signin->sessions.find_hash(hash, self->used_)) {
      spdlog::info("ws {}: sign-in session over: closed 4401",
                   static_cast<const void*>(&self->state_));
      return self->close(kCloseUnauthorized);
    }
    self->used_ = false;
    if (self->heard_) {
      self->heard_ = false;
      self->pinged_ = false;
    } else if (!self->pinged_) {
      self->pinged_ = true;
      self->ws_.async_ping({}, [](beast::error_code) {});
    } else {
      spdlog::info("ws {}: silent for {} s, ping unanswered: dropping the connection",
                   static_cast<const void*>(&self->state_), 2 * self->server_.options.keepalive);
      beast::error_code ignored;
      self->ws_.next_layer().socket().close(ignored);  // the pending read fails: finish()
      return;
    }
    self->keep_alive();
  });
}

void WsSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      spdlog::info("ws {}: message over {} bytes, closed 1009", static_cast<const void*>(&state_),
                   server_.options.max_frame);
    }
    return finish();
  }
  heard_ = true;
  used_ = true;
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    with_protocol(handle_binary_message);
  } else {
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    with_protocol([&text](ClientContext& ctx) { handle_client_message(ctx, text); });
  }
  if (!closing_) do_read();
}

void WsSession::signed_in(const domain::User& user) {
  hello_deadline_.cancel();
  std::weak_ptr<WsSession> weak = shared_from_this();
  server_.sessions.add(
      this, user.id,
      [weak](int code) {
        if (auto s = weak.lock()) s->close_async(code);
      },
      state_.browser_session);
}

std::function<void(Frame)> WsSession::sender() {
  return [weak = std::weak_ptr<WsSession>(shared_from_this())](Frame frame) {
    if (auto s = weak.lock()) s->hand_over({std::move(frame), {}, 0});
  };
}

void WsSession::on_strand(std::function<void(ClientContext&)> fn) {
  net::post(ws_.get_executor(), [self = shared_from_this(), fn = std::move(fn)] {
    if (!self->closing_) self->with_protocol(fn);
  });
}

void WsSession::deliver_event(const std::string& grappe, std::uint64_t version, Frame frame) {
  hand_over({std::move(frame), grappe, version});
}

void WsSession::deliver(Frame frame) {
  hand_over({std::move(frame), {}, 0});
}

void WsSession::hand_over(Delivery d) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.push_back(std::move(d));
    if (take_posted_) return;
    take_posted_ = true;
  }
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->take_deliveries(); });
}

void WsSession::take_deliveries() {
  std::vector<Delivery> items;
  {
    std::lock_guard lock(inbox_mu_);
    items.swap(inbox_);
    take_posted_ = false;
  }
  with_protocol([&items](ClientContext& ctx) { server::deliver(ctx, items); });
}

void WsSession::close_async(int code) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code] { self->close(code); });
}

bool WsSession::send(Frame frame, bool bounded) {
  if (closing_) return false;
  if (bounded && queue_.size() >= server_.options.send_queue) {
    spdlog::warn("ws {}: client too slow ({} frames queued), closing 4408",
                 static_cast<const void*>(&state_), queue_.size());
    server_.metrics.send_queue_closed();
    close(kCloseTooSlow);
    return false;
  }
  queue_.push_back(std::move(frame));
  if (!batching_) flush();
  return true;
}

void WsSession::flush() {
  if (!writing_ && !queue_.empty() && !closing_) write_front();
}

void WsSession::write_front() {
  writing_ = true;
  // Several frames waiting leave in one send (on_write uncorks once the queue is empty); a lone
  // one leaves at once.
  if (queue_.size() > 1) ws_.next_layer().cork();
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return finish();
  queue_.pop_front();
  if (close_code_ == 0 && !queue_.empty() && !closing_) return write_front();
  ws_.next_layer().uncork();
  if (close_code_ != 0) start_close();
}

void WsSession::close(int code) {
  if (closing_) return;
  closing_ = true;
  close_code_ = code;
  // Frames not yet handed to the socket are dropped; the one being written completes first,
  // then the close frame follows it (on_write). With none in flight, the last one queued goes
  // first: the protocol's explanation (`error` before 4401).
  if (writing_) {
    if (queue_.size() > 1) queue_.erase(queue_.begin() + 1, queue_.end());
    return;
  }
  if (queue_.size() > 1) queue_.erase(queue_.begin(), queue_.end() - 1);
  if (!queue_.empty()) return write_front();
  start_close();
}

void WsSession::start_close() {
  auto code = static_cast<std::uint16_t>(close_code_);
  close_code_ = 0;
  queue_.clear();
  ws_.async_close(websocket::close_reason(code),
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WsSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  keepalive_.cancel();
  hello_deadline_.cancel();
  server_.hub.drop(this);
  server_.sessions.remove(this);
  spdlog::info("ws {}: closed{}", static_cast<const void*>(&state_),
               state_.user ? " (user " + state_.user->id + ")" : std::string());
}

}  // namespace grappe::server
