// The witness's HTTP client (libcurl: http:// and https://, one request at a time, under a
// deadline).
#pragma once

#include <chrono>
#include <expected>
#include <string>

namespace grappe::witness {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// `url` is http://host:port; `target` the path and query. The error says what failed.
std::expected<HttpAnswer, std::string> http_request(
    const std::string& url, const std::string& method, const std::string& target,
    const std::string& body = {}, std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace grappe::witness
