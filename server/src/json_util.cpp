#include "json_util.h"

namespace grappe::server {

namespace {

// Depth of the deepest array/object in `text`, strings skipped; stops early past the limit.
int max_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxJsonDepth) return deepest;
    } else if (c == '}' || c == ']')
      --depth;
  }
  return deepest;
}

}  // namespace

std::optional<nlohmann::json> parse_client_json(std::string_view text, std::string& why) {
  if (max_depth(text) > kMaxJsonDepth) {
    why = "JSON nested deeper than 32 levels";
    return std::nullopt;
  }
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    why = "not valid JSON";
    return std::nullopt;
  }
  if (!value.is_object()) {
    why = "a JSON object is expected";
    return std::nullopt;
  }
  return value;
}

bool valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> string_field(const nlohmann::json& obj, const char* key, bool& bad) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    bad = true;
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace grappe::server
