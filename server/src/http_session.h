// One HTTP connection: reads requests (bounded header and body), answers them through the API
// router, keeps the connection alive, and hands GET /ws upgrades to a WsSession.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "core.h"

namespace grappe::server {

inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, Core& core);
  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void reply(boost::beast::http::response<boost::beast::http::string_body> response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void reply_error(boost::beast::http::status status, const char* code, const char* message);

  boost::beast::tcp_stream stream_;
  Core& core_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
};

}  // namespace grappe::server
