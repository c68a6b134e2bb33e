// Parsing client JSON safely: bounded depth, no exceptions, typed field access.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace grappe::server {

inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as a JSON object nested at most kMaxJsonDepth levels. nullopt with `why` set
// (in words for the client, never echoing the input) otherwise.
std::optional<nlohmann::json> parse_client_json(std::string_view text, std::string& why);

// Identifiers chosen by clients (command ids, grappe ids): 1–64 of [A-Za-z0-9_-].
bool valid_client_id(std::string_view id);

// True when `s` is valid UTF-8 (no overlong form, no surrogate, nothing past U+10FFFF).
bool valid_utf8(std::string_view s);

// Appends `s` to `out` as a JSON string literal, as nlohmann::json's dump() writes it (UTF-8
// kept, control characters escaped); a byte that is not valid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);

// A string field: nullopt when absent; sets `bad` when present with another type.
std::optional<std::string> string_field(const nlohmann::json& obj, const char* key, bool& bad);

}  // namespace grappe::server
