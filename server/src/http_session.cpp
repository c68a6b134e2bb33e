#include "http_session.h"

#include <spdlog/spdlog.h>

#include <boost/beast/websocket.hpp>

#include "api.h"
#include "ws_session.h"

namespace grappe::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

HttpSession::HttpSession(net::ip::tcp::socket&& socket, Core& core)
    : stream_(std::move(socket)), core_(core) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  parser_->body_limit(kMaxBodyBytes);
  stream_.expires_after(std::chrono::seconds(30));  // half-open or idle connections end here
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
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
  if (beast::websocket::is_upgrade(request)) {
    if (request.target() != "/ws") {
      return reply_error(http::status::not_found, "not_found", "WebSocket endpoint is /ws");
    }
    std::make_shared<WsSession>(std::move(stream_), core_)->run(std::move(request));
    return;
  }
  beast::error_code peer_ec;
  auto peer = stream_.socket().remote_endpoint(peer_ec);
  bool loopback = !peer_ec && peer.address().is_loopback();
  // The reply holds the session alive until the answer (maybe after a durable append) is sent.
  auto executor = stream_.get_executor();
  stream_.expires_never();
  handle_http(core_, std::move(request), loopback,
              [self = shared_from_this(), executor](Response response) {
                net::post(executor, [self, response = std::move(response)]() mutable {
                  self->reply(std::move(response));
                });
              });
}

void HttpSession::reply(http::response<http::string_body> response) {
  response.prepare_payload();
  bool keep_alive = response.keep_alive();
  auto owned = std::make_shared<http::response<http::string_body>>(std::move(response));
  response_ = owned;
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
    return;
  }
  do_read();
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
