#include "http_get.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace grappe::witness {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

std::expected<HttpAnswer, std::string> http_request(const std::string& url,
                                                    const std::string& method,
                                                    const std::string& target,
                                                    const std::string& body,
                                                    std::chrono::seconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::unexpected("only http:// URLs are supported: " + url);
  std::string hostport = url.substr(kScheme.size());
  while (hostport.ends_with('/')) hostport.pop_back();
  auto colon = hostport.rfind(':');
  std::string host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  net::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, hostport);
  req.set(http::field::user_agent, "grappe-witness");
  if (!body.empty()) {
    req.set(http::field::content_type, "text/plain; charset=utf-8");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  beast::error_code ec;
  net::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return std::unexpected("cannot resolve " + host + ": " + ec.message());
  stream.expires_after(timeout);
  stream.async_connect(endpoints, [&](beast::error_code e, auto) {
    if (e) {
      ec = e;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code e2, std::size_t) {
      if (e2) {
        ec = e2;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code e3, std::size_t) { ec = e3; });
    });
  });
  io.run();
  if (ec) return std::unexpected(method + " " + url + target + ": " + ec.message());
  return HttpAnswer{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace grappe::witness
