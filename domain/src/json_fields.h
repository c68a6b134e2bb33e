// Private helpers to read JSON objects strictly: a missing or mistyped field is an error naming
// the field, never its value.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain::internal {

using Json = nlohmann::json;

// Text checks: length in code points within [min, max], no control characters (but '\n' and '\t'
// when `multiline`).
bool text_ok(std::string_view text, std::size_t min, std::size_t max, bool multiline);

std::expected<std::string, std::string> get_string(const Json& j, std::string_view key);
std::expected<std::optional<std::string>, std::string> get_optional_string(const Json& j,
                                                                           std::string_view key);
std::expected<bool, std::string> get_bool(const Json& j, std::string_view key);
std::expected<std::int64_t, std::string> get_int(const Json& j, std::string_view key);
std::expected<std::vector<std::string>, std::string> get_string_array(const Json& j,
                                                                      std::string_view key);

}  // namespace grappe::domain::internal
