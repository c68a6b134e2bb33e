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

// A string field: nullopt when absent; sets `bad` when present with another type.
std::optional<std::string> string_field(const nlohmann::json& obj, const char* key, bool& bad);

}  // namespace grappe::server
