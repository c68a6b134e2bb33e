#include "ws_session.h"

#include <spdlog/spdlog.h>

#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "json_util.h"
#include "projector.h"
#include "version.h"

namespace grappe::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

WsSession::WsSession(beast::tcp_stream&& stream, Core& core, std::shared_ptr<void> slots,
                     net::ip::address client)
    : ws_(std::move(stream)),
      keepalive_(ws_.get_executor()),
      hello_deadline_(ws_.get_executor()),
      core_(core),
      slots_(std::move(slots)),
      client_(client),
      commands_(core.limits.command_bucket(client)) {
  core_.metrics.connection_opened();
}

WsSession::~WsSession() {
  core_.metrics.connection_closed();
}

void WsSession::run(beast::http::request<beast::http::string_body> request) {
  beast::get_lowest_layer(ws_).expires_never();
  // Beast's idle timeout re-arms a timer on every read: the keep-alive tick below does its job
  // (ping a silent peer, drop a dead one) with one timer wake every --keepalive seconds instead.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard_ = true; });
  // A message over --max-frame is refused from its frame header: Beast sends close 1009 and
  // drains what the peer still sends until it closes (no payload is awaited first).
  ws_.read_message_max(core_.options.max_frame);
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
  core_.sessions.add(this, "", [weak](int code) {
    if (auto s = weak.lock()) s->close_async(code);
  });
  spdlog::info("ws {}: connected from {}", static_cast<const void*>(this),
               beast::get_lowest_layer(ws_).socket().remote_endpoint().address().to_string());
  do_read();
  keep_alive();
  start_hello_deadline();
}

void WsSession::start_hello_deadline() {
  hello_deadline_.expires_after(std::chrono::seconds(core_.options.hello_timeout));
  hello_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->user_ || self->closing_) return;
    spdlog::info("ws {}: no hello within {} s, closing 4401", static_cast<const void*>(self.get()),
                 self->core_.options.hello_timeout);
    self->core_.limits.count_hello_timeout();
    self->refuse_unauthenticated("unauthorized", "no hello with a valid token in time");
  });
}

void WsSession::refuse_unauthenticated(const char* code, const std::string& message) {
  send_error(code, message);
  close(kCloseUnauthorized);
}

void WsSession::keep_alive() {
  // A peer silent for a whole tick is pinged; silent for the next one too, it is dropped.
  keepalive_.expires_after(std::chrono::seconds(core_.options.keepalive));
  keepalive_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;  // a closing connection has its own timeout
    if (self->heard_) {
      self->heard_ = false;
      self->pinged_ = false;
    } else if (!self->pinged_) {
      self->pinged_ = true;
      self->ws_.async_ping({}, [](beast::error_code) {});
    } else {
      spdlog::info("ws {}: silent for {} s, ping unanswered: dropping the connection",
                   static_cast<const void*>(self.get()), 2 * self->core_.options.keepalive);
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
      spdlog::info("ws {}: message over {} bytes, closed 1009", static_cast<const void*>(this),
                   core_.options.max_frame);
    }
    return finish();
  }
  heard_ = true;
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    if (!user_) {
      refuse_unauthenticated("bad_request", "the first message must be hello, as JSON text");
    } else {
      send_error("bad_request", "only text frames carrying JSON are understood");
    }
  } else {
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    handle(text);
  }
  if (!closing_) do_read();
}

void WsSession::handle(const std::string& text) {
  std::string why;
  auto msg = parse_client_json(text, why);
  if (!msg)
    return user_ ? send_error("bad_request", why) : refuse_unauthenticated("bad_request", why);
  bool bad = false;
  auto type = string_field(*msg, "type", bad);
  if (!type || bad) {
    const char* message = "a message needs a string field \"type\"";
    return user_ ? send_error("bad_request", message)
                 : refuse_unauthenticated("bad_request", message);
  }
  if (!user_) {
    if (*type == "hello") return handle_hello(*msg);
    return refuse_unauthenticated("unauthorized",
                                  "the first message must be hello with a valid token");
  }
  if (*type == "subscribe") return handle_subscribe(*msg);
  if (*type == "unsubscribe") return handle_unsubscribe(*msg);
  if (*type == "command") return handle_command(*msg);
  if (*type == "presence") return handle_presence(*msg);
  if (*type == "ping") return send_json({{"type", "pong"}});
  if (*type == "hello") return send_error("bad_request", "already signed in");
  send_error("bad_request", "unknown message type");
}

void WsSession::handle_hello(const nlohmann::json& msg) {
  if (core_.limits.auth_blocked(client_)) {
    spdlog::info("ws {}: hello refused: too many failures from {}", static_cast<const void*>(this),
                 address_key(client_));
    send_error("rate_limited", "too many failed sign-ins from this address; try again in a minute");
    return close(kCloseTooManyFailures);
  }
  bool bad = false;
  auto token = string_field(msg, "token", bad);
  auto user = token && !bad ? core_.authenticate(*token) : std::nullopt;
  if (!user) {
    spdlog::info("ws {}: hello refused", static_cast<const void*>(this));
    core_.limits.auth_failed(client_);
    return refuse_unauthenticated("unauthorized", "unknown or revoked token");
  }
  hello_deadline_.cancel();
  user_ = std::move(user);
  std::weak_ptr<WsSession> weak = shared_from_this();
  core_.sessions.add(this, user_->id, [weak](int code) {
    if (auto s = weak.lock()) s->close_async(code);
  });
  spdlog::info("ws {}: hello from user {}", static_cast<const void*>(this), user_->id);
  send_json({{"type", "welcome"},
             {"user", domain::to_json(*user_)},
             {"server", {{"version", kServerVersion}}},
             {"position", core_.models.position()}});
}

void WsSession::handle_subscribe(const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  if (!grappe || bad || !valid_client_id(*grappe)) {
    return send_error("bad_request", "subscribe needs a grappe id (1–64 of A-Z a-z 0-9 _ -)");
  }
  std::optional<std::uint64_t> from;
  if (auto it = msg.find("fromVersion"); it != msg.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      return send_error("bad_request", "fromVersion must be a non-negative integer");
    }
    from = it->get<std::uint64_t>();
  }
  // Copy the state and join the hub while no record is being applied: every later event
  // reaches deliver_event(), and those at or below `version` are filtered out there.
  bool readable = false;
  std::uint64_t version = 0;
  nlohmann::json state;
  auto self = std::static_pointer_cast<Subscriber>(shared_from_this());
  core_.models.with_grappe(*grappe, [&](const domain::GrappeState* s) {
    if (!s || !domain::may_read(*user_, *s, core_.registry)) return;
    readable = true;
    version = s->version;
    if (!from) state = domain::to_json(*s);
    core_.hub.subscribe(*grappe, self, PresenceEntry{user_->id, user_->name, "viewing", ""});
  });
  if (!readable) return send_error("not_found", "no such grappe, or not visible to you");
  auto& sub = subscribed_[*grappe];
  sub = Subscription{from ? std::min(*from, version) : version, ++generations_, std::nullopt};
  if (!from) {
    return enqueue(std::make_shared<const std::string>(nlohmann::json{
                       {"type", "snapshot"},
                       {"grappe", *grappe},
                       {"version", version},
                       {"state", state}}.dump()),
                   false);
  }
  if (*from < version) {
    sub.held.emplace();
    start_catch_up(*grappe, *from, version);
  }
}

void WsSession::handle_unsubscribe(const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  if (!grappe || bad || !valid_client_id(*grappe)) {
    return send_error("bad_request", "unsubscribe needs a grappe id");
  }
  subscribed_.erase(*grappe);
  core_.hub.unsubscribe(*grappe, this);
  send_json({{"type", "unsubscribed"}, {"grappe", *grappe}});
}

void WsSession::handle_presence(const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  auto status = string_field(msg, "status", bad);
  auto focus = string_field(msg, "focus", bad);
  if (bad || !grappe || !status || (*status != "viewing" && *status != "editing") ||
      (focus && focus->size() > 200)) {
    return send_error("bad_request",
                      "presence needs grappe, status viewing|editing and an optional focus "
                      "(≤ 200 characters)");
  }
  if (!subscribed_.contains(*grappe) ||
      !core_.hub.set_presence(*grappe, this, *status, focus.value_or(""))) {
    return send_error("bad_request", "subscribe to the grappe before sending presence");
  }
}

void WsSession::handle_command(const nlohmann::json& msg) {
  auto request = parse_command_request(msg);
  if (!request) return send_json(request.error());
  if (commands_ && !commands_->take()) {
    core_.limits.count_rate_limited();
    return send_json(rate_limited_answer(request->id));
  }
  std::weak_ptr<WsSession> weak = shared_from_this();
  core_.commands.execute(*user_, std::move(*request), [weak](Answer answer) {
    if (auto s = weak.lock()) {
      s->hand_over({std::make_shared<const std::string>(std::move(answer.text)), {}, 0});
    }
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
  for (auto& d : items) {
    if (!d.grappe.empty()) {
      auto it = subscribed_.find(d.grappe);
      if (it == subscribed_.end() || d.version <= it->second.sent) continue;
      if (it->second.held) {
        it->second.held->push_back(std::move(d));
        continue;
      }
      it->second.sent = d.version;
    }
    if (!push(std::move(d.frame))) return;
  }
  if (!writing_ && !queue_.empty()) write_front();
}

void WsSession::close_async(int code) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code] { self->close(code); });
}

void WsSession::send_json(const nlohmann::json& msg) {
  enqueue(std::make_shared<const std::string>(msg.dump()));
}

void WsSession::send_error(const char* code, const std::string& message) {
  send_json({{"type", "error"}, {"code", code}, {"message", message}});
}

bool WsSession::push(Frame frame, bool bounded) {
  if (closing_) return false;
  if (bounded && queue_.size() >= core_.options.send_queue) {
    spdlog::warn("ws {}: client too slow ({} frames queued), closing 4408",
                 static_cast<const void*>(this), queue_.size());
    core_.metrics.send_queue_closed();
    close(kCloseTooSlow);
    return false;
  }
  queue_.push_back(std::move(frame));
  return true;
}

void WsSession::enqueue(Frame frame, bool bounded) {
  if (push(std::move(frame), bounded) && !writing_) write_front();
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
  // then the close frame follows it (on_write).
  if (queue_.size() > 1) queue_.erase(queue_.begin() + 1, queue_.end());
  if (!writing_) start_close();
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
  core_.hub.drop(this);
  core_.sessions.remove(this);
  spdlog::info("ws {}: closed{}", static_cast<const void*>(this),
               user_ ? " (user " + user_->id + ")" : std::string());
}

}  // namespace grappe::server
