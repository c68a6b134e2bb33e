#include "json_fields.h"

#include "grappe/domain/internal/text.h"

namespace grappe::domain::internal {
namespace {

std::string missing(std::string_view key) {
  return "champ '" + std::string(key) + "' manquant";
}
std::string mistyped(std::string_view key, std::string_view type) {
  return "champ '" + std::string(key) + "' : " + std::string(type) + " attendu";
}

}  // namespace

bool text_ok(std::string_view text, std::size_t min, std::size_t max, bool multiline) {
  if (!valid_utf8(text)) return false;
  const std::size_t n = utf8_length(text);
  if (n < min || n > max) return false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0x7F || (u < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))))
      return false;
  }
  return true;
}

std::expected<std::string, std::string> get_string(const Json& j, std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::unexpected(missing(key));
  if (!it->is_string()) return std::unexpected(mistyped(key, "texte"));
  return it->get<std::string>();
}

std::expected<std::optional<std::string>, std::string> get_optional_string(const Json& j,
                                                                           std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return std::unexpected(mistyped(key, "texte"));
  return std::optional<std::string>(it->get<std::string>());
}

std::expected<bool, std::string> get_bool(const Json& j, std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::unexpected(missing(key));
  if (!it->is_boolean()) return std::unexpected(mistyped(key, "booléen"));
  return it->get<bool>();
}

std::expected<std::int64_t, std::string> get_int(const Json& j, std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::unexpected(missing(key));
  if (!it->is_number_integer()) return std::unexpected(mistyped(key, "entier"));
  return it->get<std::int64_t>();
}

std::expected<std::vector<std::string>, std::string> get_string_array(const Json& j,
                                                                      std::string_view key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::unexpected(missing(key));
  if (!it->is_array()) return std::unexpected(mistyped(key, "tableau"));
  std::vector<std::string> out;
  for (const Json& e : *it) {
    if (!e.is_string()) return std::unexpected(mistyped(key, "tableau de textes"));
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace grappe::domain::internal
