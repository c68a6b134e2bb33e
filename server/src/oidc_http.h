// The relying party's HTTP client (libcurl, already linked for the notifier's SMTP): blocking
// GET and form POST with a 10 s timeout and a 1 MiB answer cap, over https only (http too for a
// loopback host, which tests use). Call it off the network threads
// (OidcClient runs it on its own workers). Thread-safe.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::server::oidc {

struct HttpAnswer {
  long status = 0;
  std::string content_type;  // lowercase, without parameters
  std::string body;
};

// `headers`: "Name: value" lines. The error says what failed (never the request's secrets).
std::expected<HttpAnswer, std::string> http_get(const std::string& url,
                                                const std::vector<std::string>& headers = {});
// POSTs `form` (application/x-www-form-urlencoded); `user`/`password` for HTTP Basic when set.
std::expected<HttpAnswer, std::string> http_post_form(const std::string& url,
                                                      const std::string& form,
                                                      const std::string& user = {},
                                                      const std::string& password = {});
// True for an https:// URL, or an http:// one whose host is loopback (127.0.0.0/8, ::1,
// localhost).
bool allowed_url(std::string_view url);
// Percent-encodes `text` for a query or a form (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);

}  // namespace grappe::server::oidc
