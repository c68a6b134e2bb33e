// One HTTP connection: reads requests (bounded header and body), answers them through the API
// router, keeps the connection alive, and hands GET /ws upgrades to a WsSession.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "api.h"
#include "server_context.h"

namespace grappe::server {

inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
// POST /api/admin/registry: the one body streamed to a file instead (PROTOCOL.md v2).
inline constexpr std::uint64_t kMaxRegistryUploadBytes = std::uint64_t{2} << 30;

// The policy of every HTML answer: scripts, styles, connections only from the server itself
// (the favicon is an empty data: URL), never framed.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Sets the headers PROTOCOL.md v2 asks of every HTTP answer (and the CSP of HTML answers).
void set_security_headers(boost::beast::http::response_header<>& res);

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `slot` holds the connection's place within the limits; null when the server is full, and
  // then the first request is answered 503 and the connection closed.
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx,
              std::shared_ptr<Limits::Slot> slot, Limits::Refusal refusal);
  void run();
  ~HttpSession();  // removes the file of an upload left unfinished

 private:
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // POST /api/admin/registry (registry_upload.cpp): the body goes to a file in the data folder,
  // read with an idle timeout, then to Registries::load(); answered 202 once whole.
  void start_upload();
  void read_upload();
  void on_upload(boost::beast::error_code ec, std::size_t bytes);
  void end_upload(boost::beast::http::status status, const char* code, const std::string& why);
  // After refusing an upload whose body is still coming: reads and drops it for a while before
  // closing, so that the client reads the answer instead of a reset.
  void drain();
  void reply(boost::beast::http::response<boost::beast::http::string_body> response);
  // The same for a file body (Peer::send_file), read from the file as it is written.
  void reply_file(FileResponse response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void reply_error(boost::beast::http::status status, const char* code, const char* message);
  // GET /ws: checks the handshake (PROTOCOL.md v2) and hands the connection to a WsSession.
  void upgrade(boost::beast::http::request<boost::beast::http::string_body>&& request,
               const Peer& peer);
  Peer peer_of(const boost::beast::http::request<boost::beast::http::string_body>& request);

  boost::beast::tcp_stream stream_;
  ServerContext& ctx_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::file_body>> upload_;
  std::string upload_path_;
  std::uint64_t upload_received_ = 0;
  bool drain_on_close_ = false;  // an upload was refused before its body was read
  std::uint64_t drained_ = 0;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
  std::shared_ptr<Limits::Slot> slot_;
  Limits::Refusal refusal_;
  boost::asio::ip::address peer_;        // the TCP peer
  std::optional<TokenBucket> commands_;  // HTTP commands of this connection; none: unlimited
  bool commands_set_ = false;
};

}  // namespace grappe::server
