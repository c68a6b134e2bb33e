// The HTTP API of PROTOCOL.md (and the static files of the web client), as plain functions of a
// request: sessions parse and write, these decide what to answer.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server_context.h"

namespace grappe::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Reply = std::function<void(Response)>;  // may be called from any thread, exactly once
// An answer whose body is a file, read as it is sent (the exports).
using FileResponse = boost::beast::http::response<boost::beast::http::file_body>;

// Who sent a request.
struct Peer {
  boost::asio::ip::address address;    // the client's (X-Forwarded-For from a trusted proxy)
  bool loopback = false;               // the TCP peer is on loopback (/metrics without a token)
  std::function<bool()> take_command;  // spends one command of the connection's rate; false: over
  // Answers with a file instead of `Reply` (any thread, exactly once); empty when the caller
  // cannot: then the handler answers through `Reply` with the file read into memory.
  std::function<void(FileResponse)> send_file;
};

// Answers `request` through `reply` (synchronously for most requests; commands answer later).
// The routing table and the handlers: http_api.cpp, api_handlers.h.
void handle_http(ServerContext& ctx, Request&& request, const Peer& peer, Reply reply);

// Helpers shared by the API's files.
Response json_response(const Request& req, int status, const nlohmann::json& body);
// Same, with the body already serialised.
Response json_response(const Request& req, int status, std::string body);
Response error_response(const Request& req, int status, std::string_view code,
                        std::string_view message);
// A file of the web client (GET/HEAD), or 404; never a path outside the table (api_static.cpp).
Response serve_static(const ServerContext& ctx, const Request& req);

// The query parameter `key` of `target`, percent-decoded; empty when absent.
std::string query_param(std::string_view target, std::string_view key);
bool has_query_param(std::string_view target, std::string_view key);
// The `limit` query parameter: `fallback` when absent, nullopt when not an integer in [1, max].
std::optional<std::size_t> query_limit(std::string_view target, std::size_t fallback,
                                       std::size_t max);
// A boolean query parameter: false when absent, nullopt unless "true" or "false".
std::optional<bool> query_flag(std::string_view target, std::string_view key);

}  // namespace grappe::server
