#include "handshake.h"

#include <algorithm>
#include <cctype>

namespace grappe::server {

namespace {

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool valid_websocket_key(std::string_view key) {
  // 16 bytes: 5 groups of 3 bytes (20 characters) and one byte left (2 characters and "==").
  if (key.size() != 24 || !key.ends_with("==")) return false;
  return std::all_of(key.begin(), key.begin() + 22, base64_char);
}

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  while (origin.ends_with('/')) origin.remove_suffix(1);
  if (!host.empty()) {
    for (std::string_view scheme : {"http://", "https://"}) {
      if (origin.size() == scheme.size() + host.size() &&
          iequals(origin.substr(0, scheme.size()), scheme) &&
          iequals(origin.substr(scheme.size()), host)) {
        return true;
      }
    }
  }
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return iequals(origin, a); });
}

bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

}  // namespace grappe::server
