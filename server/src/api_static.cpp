// GET/HEAD of the web client's files, from the table read at start (static_files.h).
#include "api.h"
#include "static_files.h"

namespace grappe::server {

namespace http = boost::beast::http;

Response serve_static(const ServerContext& ctx, const Request& req) {
  auto key = static_key(req.target());
  const StaticFile* file = key ? ctx.static_files.find(*key) : nullptr;
  if (!file) return error_response(req, 404, "not_found", "no such file");
  auto if_none_match = req[http::field::if_none_match];
  bool gzip = !file->gzip.empty() && accepts_gzip(req[http::field::accept_encoding]);
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::etag, file->etag);
  res.set(http::field::cache_control, "no-cache");  // revalidated with If-None-Match each time
  if (!file->gzip.empty()) res.set(http::field::vary, "Accept-Encoding");
  res.keep_alive(req.keep_alive());
  if (!if_none_match.empty() && etag_matches(if_none_match, file->etag)) {
    res.result(http::status::not_modified);
    return res;
  }
  if (gzip) res.set(http::field::content_encoding, "gzip");
  const std::string& body = gzip ? file->gzip : file->body;
  if (req.method() == http::verb::head) {
    res.content_length(body.size());
  } else {
    res.body() = body;
  }
  return res;
}

}  // namespace grappe::server
