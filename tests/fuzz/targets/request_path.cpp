// The request-path resolver of the static files (static_key: a request target → a key of the
// in-memory table) and the header values that choose the variant (Accept-Encoding,
// If-None-Match). A key never climbs out of the web root: relative, no "." or ".." or hidden
// segment, no backslash, colon or control byte, valid UTF-8, bounded; and it names itself
// again when asked for with its bytes percent-encoded.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "fuzz_target.h"
#include "static_files.h"

namespace {

std::string percent_encode(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

void check_key(const std::string& key) {
  GRAPPE_FUZZ_CHECK(!key.empty() && key.size() <= 512 + sizeof "/index.html");
  GRAPPE_FUZZ_CHECK(key.front() != '/' && !key.ends_with('/'));
  for (std::string_view rest = key; !rest.empty();) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    GRAPPE_FUZZ_CHECK(!segment.empty() && segment.front() != '.');
    for (char c : segment) {
      auto u = static_cast<unsigned char>(c);
      GRAPPE_FUZZ_CHECK(u >= 0x20 && u != 0x7f && c != '\\' && c != ':');
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  (void)nlohmann::json(key).dump();  // throws on bytes that are not UTF-8
  auto joined = (std::filesystem::path("/srv/web") / key).lexically_normal().string();
  GRAPPE_FUZZ_CHECK(joined.starts_with("/srv/web/"));
  auto again = grappe::server::static_key("/" + percent_encode(key));
  GRAPPE_FUZZ_CHECK(again && *again == key);
}

}  // namespace

GRAPPE_FUZZ_TARGET(request_path) {
  auto text = grappe::fuzz::as_text(data, size);
  if (auto key = grappe::server::static_key(text)) check_key(*key);
  (void)grappe::server::accepts_gzip(text);
  (void)grappe::server::etag_matches(text, "\"0123456789abcdef0123456789abcdef\"");
  return 0;
}
