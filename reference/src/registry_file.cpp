#include "grappe/reference/registry_file.h"

#include <fstream>
#include <istream>
#include <streambuf>

#include "encoding.h"
#include "grappe/domain/internal/text.h"
#include "grappe/reference/finess_plus.h"
#include "registry_parse.h"

namespace grappe::reference {
namespace {

// The CSV readers take the whole text; FINESS+ files are streamed (kMaxFinessPlusText).
constexpr std::size_t kMaxCsvBytes = std::size_t{1} << 30;
constexpr std::size_t kSniffBytes = 4096;

// Bytes already in memory, as a stream (read only).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // never written: no putback area is used
    setg(p, p, p + bytes.size());
  }
};

std::expected<domain::Registry, std::string> to_registry(domain::RegistrySource source,
                                                         std::string_view name,
                                                         std::vector<std::string>* warnings) {
  std::vector<std::string> duplicates;
  auto registry = domain::Registry::from_source(std::move(source), &duplicates);
  if (warnings)
    for (const std::string& finess : duplicates)
      warnings->push_back(std::string(name) + ": FINESS " + finess + " en double ignoré");
  return registry;
}

std::expected<domain::Registry, std::string> finess_plus_registry(
    std::istream& in, std::string_view source, std::vector<std::string>* warnings) {
  auto file = read_finess_plus(in, source, warnings);
  if (!file) return std::unexpected(file.error());
  return to_registry(std::move(file->source), source, warnings);
}

}  // namespace

std::expected<domain::Registry, std::string> load_registry_file(
    const std::filesystem::path& path, std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + " : fichier illisible");
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return std::unexpected(path.string() + " : lecture interrompue");
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  if (looks_like_json_or_gzip(head)) return finess_plus_registry(in, path.string(), warnings);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::unexpected(path.string() + " : fichier illisible (" + ec.message() + ")");
  if (size > kMaxCsvBytes)
    return std::unexpected(path.string() + " : fichier CSV trop grand (plus de 1 Gio)");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return std::unexpected(path.string() + " : lecture interrompue");
  return load_registry_bytes(bytes, path.string(), warnings);
}

std::expected<domain::Registry, std::string> load_registry_bytes(
    std::string_view bytes, std::string_view source, std::vector<std::string>* warnings) {
  if (looks_like_json_or_gzip(bytes)) {
    ViewBuf view(bytes);
    std::istream in(&view);
    return finess_plus_registry(in, source, warnings);
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.find('\0') != std::string_view::npos)
    return std::unexpected(std::string(source) + " : fichier binaire, CSV ou JSON attendu");
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
  return to_registry(std::move(*parsed), source, warnings);
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
