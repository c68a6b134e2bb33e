#include "grappe/reference/registry_file.h"

#include <fstream>

#include "encoding.h"
#include "grappe/domain/internal/text.h"
#include "registry_parse.h"

namespace grappe::reference {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;

}  // namespace

std::expected<domain::Registry, std::string> load_registry_file(
    const std::filesystem::path& path, std::vector<std::string>* warnings) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::unexpected(path.string() + " : fichier illisible (" + ec.message() + ")");
  if (size > kMaxFileBytes) return std::unexpected(path.string() + " : fichier trop grand");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + " : fichier illisible");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return std::unexpected(path.string() + " : lecture interrompue");
  return load_registry_bytes(bytes, path.string(), warnings);
}

std::expected<domain::Registry, std::string> load_registry_bytes(
    std::string_view bytes, std::string_view source, std::vector<std::string>* warnings) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.find('\0') != std::string_view::npos)
    return std::unexpected(std::string(source) + " : fichier binaire, CSV attendu");
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::unexpected(std::string(source) + " : fichier vide");
  std::string text;
  if (domain::internal::valid_utf8(bytes)) {
    text = bytes;
  } else {
    text = internal::cp1252_to_utf8(bytes);
    if (warnings)
      warnings->push_back(std::string(source) + ": encodage Windows-1252/ISO-8859-1 converti");
  }
  auto parsed = text.starts_with("finess;etalab")
                    ? internal::parse_finess_extract(text, source, warnings)
                    : internal::parse_simple_csv(text, source, warnings);
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<std::string> duplicates;
  auto registry = domain::Registry::from_source(std::move(*parsed), &duplicates);
  if (warnings)
    warnings->insert(warnings->end(), duplicates.size(),
                     std::string(source) + ": FINESS en double ignoré");
  return registry;
}

std::expected<void, std::string> add_registry_file(domain::Registry& registry,
                                                   const std::filesystem::path& path,
                                                   std::vector<std::string>* warnings) {
  auto other = load_registry_file(path, warnings);
  if (!other) return std::unexpected(other.error());
  registry.merge(std::move(*other), warnings);
  return {};
}

}  // namespace grappe::reference
