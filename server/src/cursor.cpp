#include "cursor.h"

#include <nlohmann/json.hpp>

namespace grappe::server {

namespace {

constexpr std::size_t kMaxCursor = 4096;
constexpr char kHex[] = "0123456789abcdef";

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_cursor(const std::vector<std::string>& parts) {
  const auto text = nlohmann::json(parts).dump();
  std::string out;
  out.reserve(2 * text.size());
  for (unsigned char c : text) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::optional<std::vector<std::string>> decode_cursor(std::string_view text, std::size_t count) {
  if (text.empty() || text.size() > kMaxCursor || text.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes += static_cast<char>(hi << 4 | lo);
  }
  auto json = nlohmann::json::parse(bytes, nullptr, false);
  if (!json.is_array() || json.size() != count) return std::nullopt;
  std::vector<std::string> parts;
  for (const auto& part : json) {
    if (!part.is_string()) return std::nullopt;
    parts.push_back(part.get<std::string>());
  }
  return parts;
}

}  // namespace grappe::server
