#include "http_session.h"

#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>

#include "api.h"
#include "handshake.h"
#include "ws_session.h"

namespace grappe::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ServerContext& ctx,
                         std::shared_ptr<Limits::Slot> slot, Limits::Refusal refusal)
    : stream_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)), refusal_(refusal) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = endpoint.address();
}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  // No body limit while the header is read: Beast checks a Content-Length against it then, and
  // the registry upload has its own (on_header sets the ordinary one for every other request).
  parser_->body_limit(boost::none);
  // Half-open or idle connections end here; one refused at a limit gets less.
  stream_.expires_after(std::chrono::seconds(slot_ ? 30 : 5));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  const auto& req = parser_->get();
  const std::string_view target = req.target();
  if (req.method() == http::verb::post && slot_ &&
      target.substr(0, target.find('?')) == "/api/admin/registry") {
    return start_upload();
  }
  if (const auto length = parser_->content_length(); length && *length > kMaxBodyBytes) {
    return reply_error(http::status::payload_too_large, "too_large", "request body too large");
  }
  parser_->body_limit(kMaxBodyBytes);  // chunked bodies are counted as they come
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void set_security_headers(http::response_header<>& res) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (res[http::field::content_type].starts_with("text/html")) {
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set(http::field::x_frame_options, "DENY");
  }
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == http::error::header_limit) {
    return reply_error(http::status::request_header_fields_too_large, "too_large",
                       "request headers too large");
  }
  if (ec == http::error::body_limit) {
    return reply_error(http::status::payload_too_large, "too_large", "request body too large");
  }
  if (ec) return reply_error(http::status::bad_request, "bad_request", "malformed HTTP request");

  auto request = parser_->release();
  if (!slot_) {
    bool total = refusal_ == Limits::Refusal::kTotal;
    spdlog::info("http: {} refused ({})", address_key(peer_),
                 total ? "--max-connections reached" : "--max-connections-per-ip reached");
    return reply_error(http::status::service_unavailable, "unavailable",
                       total ? "the server has too many connections; try again shortly"
                             : "too many connections from your address");
  }
  auto peer = peer_of(request);
  if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request), peer);
  // The reply holds the session alive until the answer (maybe after a durable append) is sent.
  auto executor = stream_.get_executor();
  stream_.expires_never();
  peer.send_file = [self = shared_from_this(), executor](FileResponse response) {
    auto owned = std::make_shared<FileResponse>(std::move(response));
    net::post(executor, [self, owned] { self->reply_file(std::move(*owned)); });
  };
  handle_http(ctx_, std::move(request), peer,
              [self = shared_from_this(), executor](Response response) {
                net::post(executor, [self, response = std::move(response)]() mutable {
                  self->reply(std::move(response));
                });
              });
}

Peer HttpSession::peer_of(const http::request<http::string_body>& request) {
  Peer peer;
  peer.loopback = peer_.is_loopback() ||
                  (peer_.is_v6() && peer_.to_v6().is_v4_mapped() &&
                   net::ip::make_address_v4(net::ip::v4_mapped, peer_.to_v6()).is_loopback());
  peer.address = ctx_.limits.client_address(peer_, request["X-Forwarded-For"]);
  if (!commands_set_) {
    commands_set_ = true;
    commands_ = ctx_.limits.command_bucket(peer.address);
  }
  if (commands_) {
    // Runs on the connection's strand, while this session is alive (the request holds it).
    peer.take_command = [this] { return commands_->take(); };
  }
  return peer;
}

void HttpSession::upgrade(http::request<http::string_body>&& request, const Peer& peer) {
  auto refuse = [&](http::status status, const char* code, const char* why) {
    ctx_.limits.count_bad_upgrade();
    spdlog::info("ws: upgrade from {} refused: {}", address_key(peer.address), why);
    reply_error(status, code, why);
  };
  if (request.target() != "/ws") {
    return refuse(http::status::not_found, "not_found", "WebSocket endpoint is /ws");
  }
  if (request[http::field::sec_websocket_version] != "13") {
    http::response<http::string_body> res{http::status::upgrade_required, 11};
    res.set(http::field::sec_websocket_version, "13");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() =
        nlohmann::json{
            {"error", {{"code", "bad_request"}, {"message", "WebSocket version 13 is required"}}}}
            .dump();
    ctx_.limits.count_bad_upgrade();
    return reply(std::move(res));
  }
  if (!valid_websocket_key(request[http::field::sec_websocket_key])) {
    return refuse(http::status::bad_request, "bad_request",
                  "Sec-WebSocket-Key must be the base64 of 16 bytes");
  }
  auto origin = request[http::field::origin];
  if (request.count(http::field::origin) &&
      !origin_allowed(origin, request[http::field::host], ctx_.options.allowed_origins)) {
    return refuse(http::status::forbidden, "forbidden", "this Origin may not open a WebSocket");
  }
  std::shared_ptr<void> slots = slot_;
  if (peer.address != peer_) {  // behind a trusted proxy: count the client's address too
    Limits::Refusal why;
    auto client = ctx_.limits.per_client(peer.address, why);
    if (!client) {
      return refuse(http::status::service_unavailable, "unavailable",
                    "too many connections from your address");
    }
    slots =
        std::make_shared<std::pair<std::shared_ptr<Limits::Slot>, std::shared_ptr<Limits::Slot>>>(
            slot_, std::move(client));
  }
  std::make_shared<WsSession>(std::move(stream_), ctx_, std::move(slots), peer.address)
      ->run(std::move(request));
}

void HttpSession::reply(http::response<http::string_body> response) {
  set_security_headers(response);
  // A HEAD answer keeps the Content-Length of the body it leaves out.
  if (!(response.body().empty() && response.has_content_length())) response.prepare_payload();
  bool keep_alive = response.keep_alive();
  auto owned = std::make_shared<http::response<http::string_body>>(std::move(response));
  response_ = owned;
  stream_.expires_after(std::chrono::seconds(30));
  http::async_write(
      stream_, *owned,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::reply_file(FileResponse response) {
  set_security_headers(response);
  response.prepare_payload();
  bool keep_alive = response.keep_alive();
  auto owned = std::make_shared<FileResponse>(std::move(response));
  response_ = owned;  // the file stays open until the write ends
  stream_.expires_after(std::chrono::seconds(30));
  http::async_write(
      stream_, *owned,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return;
  if (!keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    if (drain_on_close_) {
      stream_.expires_after(std::chrono::seconds(5));
      drain();
    }
    return;
  }
  do_read();
}

void HttpSession::drain() {
  constexpr std::uint64_t kMaxDrained = std::uint64_t{16} << 20;
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this(), kMaxDrained](
                                                          beast::error_code ec, std::size_t n) {
    self->drained_ += n;
    if (!ec && self->drained_ < kMaxDrained) self->drain();
  });
}

void HttpSession::reply_error(http::status status, const char* code, const char* message) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.body() = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
  spdlog::info("http: {} ({})", static_cast<int>(status), message);
  reply(std::move(res));
}

}  // namespace grappe::server
