#include "api.h"

#include <charconv>

namespace grappe::server {

namespace http = boost::beast::http;

Response json_response(const Request& req, int status, const nlohmann::json& body) {
  return json_response(req, status, body.dump());
}

Response json_response(const Request& req, int status, std::string body) {
  Response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  return res;
}

Response error_response(const Request& req, int status, std::string_view code,
                        std::string_view message) {
  return json_response(req, status, {{"error", {{"code", code}, {"message", message}}}});
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Calls fn(key, value) for each raw query pair; stops when fn returns true.
template <class Fn>
bool for_each_param(std::string_view target, Fn fn) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return false;
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (fn(key, value)) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

std::string query_param(std::string_view target, std::string_view key) {
  std::string out;
  for_each_param(target, [&](std::string_view k, std::string_view v) {
    if (k != key) return false;
    out = percent_decode(v);
    return true;
  });
  return out;
}

bool has_query_param(std::string_view target, std::string_view key) {
  return for_each_param(target, [&](std::string_view k, std::string_view) { return k == key; });
}

std::optional<std::size_t> query_limit(std::string_view target, std::size_t fallback,
                                       std::size_t max) {
  const auto text = query_param(target, "limit");
  if (text.empty()) return fallback;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit == 0 || limit > max)
    return std::nullopt;
  return limit;
}

std::optional<bool> query_flag(std::string_view target, std::string_view key) {
  if (!has_query_param(target, key)) return false;
  const auto text = query_param(target, key);
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

}  // namespace grappe::server
