// grappe/domain/time.h — timestamps as PROTOCOL.md writes them (RFC 3339 UTC, milliseconds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace grappe::domain {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// "2026-11-23T10:15:02.123Z".
std::string format_timestamp(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" (any number of fraction digits, truncated to ms).
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace grappe::domain
