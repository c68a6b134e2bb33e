#include "util.h"

#include <random>
#include <set>

#include "json_check.h"

namespace grappe::es::detail {

std::string new_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s.push_back('-');
    std::uint64_t word = i < 16 ? hi : lo;
    s.push_back(kDigits[(word >> (4 * (15 - i % 16))) & 0xf]);
  }
  return s;
}

StoreError make_error(StoreErrc code, std::string message) {
  return StoreError{code, std::move(message), {}};
}

std::optional<StoreError> check_request(const AppendRequest& request) {
  std::set<std::string_view> seen;
  for (const auto& part : request.parts) {
    if (part.stream.empty() || part.stream.find('\0') != std::string::npos) {
      return make_error(StoreErrc::kInvalidArgument, "stream name empty or containing NUL");
    }
    if (!seen.insert(part.stream).second) {
      return make_error(StoreErrc::kInvalidArgument, "stream listed twice: " + part.stream);
    }
    for (const auto& e : part.events) {
      if (e.type.empty()) {
        return make_error(StoreErrc::kInvalidArgument, "event without type in " + part.stream);
      }
      if (!is_json_text(e.data)) {
        return make_error(StoreErrc::kInvalidArgument,
                          "event data is not a JSON text (" + e.type + ")");
      }
    }
  }
  return std::nullopt;
}

}  // namespace grappe::es::detail

namespace grappe::es {

std::string_view to_string(StoreErrc code) {
  switch (code) {
    case StoreErrc::kVersionConflict:
      return "version_conflict";
    case StoreErrc::kInvalidArgument:
      return "invalid_argument";
    case StoreErrc::kIo:
      return "io";
    case StoreErrc::kClosed:
      return "closed";
    case StoreErrc::kLocked:
      return "locked";
    case StoreErrc::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

}  // namespace grappe::es
