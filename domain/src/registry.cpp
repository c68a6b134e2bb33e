#include "grappe/domain/registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "grappe/domain/finess.h"
#include "registry_parse.h"
#include "text.h"

namespace grappe::domain {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{1} << 30;

}  // namespace

std::expected<Registry, std::string> Registry::load_file(const std::filesystem::path& path,
                                                         std::vector<std::string>* warnings) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::unexpected(path.string() + " : fichier illisible (" + ec.message() + ")");
  if (size > kMaxFileBytes) return std::unexpected(path.string() + " : fichier trop grand");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + " : fichier illisible");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return std::unexpected(path.string() + " : lecture interrompue");
  return load_string(bytes, path.string(), warnings);
}

std::expected<Registry, std::string> Registry::load_string(std::string_view bytes,
                                                           std::string_view source,
                                                           std::vector<std::string>* warnings) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.find('\0') != std::string_view::npos)
    return std::unexpected(std::string(source) + " : fichier binaire, CSV attendu");
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::unexpected(std::string(source) + " : fichier vide");
  std::string text;
  if (internal::valid_utf8(bytes)) {
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
  Registry r;
  r.sources_.push_back(parsed->label);
  r.ej_names_ = std::move(parsed->ej_names);
  for (auto& e : parsed->establishments) {
    if (!r.insert(std::move(e)) && warnings)
      warnings->push_back(std::string(source) + ": FINESS en double ignoré");
  }
  r.sort_index();
  r.fill_ej_names();
  return r;
}

std::expected<void, std::string> Registry::add_file(const std::filesystem::path& path,
                                                    std::vector<std::string>* warnings) {
  auto other = load_file(path, warnings);
  if (!other) return std::unexpected(other.error());
  merge(std::move(*other), warnings);
  return {};
}

void Registry::merge(Registry&& other, std::vector<std::string>* warnings) {
  for (auto& source : other.sources_) sources_.push_back(std::move(source));
  for (auto& [ej, name] : other.ej_names_) ej_names_.emplace(ej, std::move(name));
  for (auto& e : other.establishments_) {
    const std::string finess = e.finess;
    if (!insert(std::move(e)) && warnings)
      warnings->push_back("FINESS " + finess + " présent dans deux fichiers, premier gardé");
  }
  sort_index();
  fill_ej_names();
}

bool Registry::add(Establishment establishment) {
  const bool added = insert(std::move(establishment));
  sort_index();
  return added;
}

void Registry::sort_index() {
  const auto middle = words_.begin() + static_cast<std::ptrdiff_t>(sorted_words_);
  std::sort(middle, words_.end());
  std::inplace_merge(words_.begin(), middle, words_.end());
  sorted_words_ = words_.size();
}

bool Registry::insert(Establishment establishment) {
  if (by_finess_.contains(establishment.finess)) return false;
  const std::size_t idx = establishments_.size();
  by_finess_.emplace(establishment.finess, idx);
  by_ej_[establishment.ej].push_back(idx);
  if (!establishment.ej_name.empty()) ej_names_.emplace(establishment.ej, establishment.ej_name);
  establishments_.push_back(std::move(establishment));
  const Establishment& e = establishments_.back();
  std::string hay = internal::normalise(e.finess + " " + e.name + " " + e.commune);
  auto ws = internal::words(hay);
  std::sort(ws.begin(), ws.end());
  ws.erase(std::unique(ws.begin(), ws.end()), ws.end());
  for (auto& w : ws) words_.emplace_back(std::move(w), idx);
  haystacks_.push_back(" " + hay + " ");
  return true;
}

void Registry::fill_ej_names() {
  for (Establishment& e : establishments_) {
    if (!e.ej_name.empty()) continue;
    if (auto it = ej_names_.find(e.ej); it != ej_names_.end()) e.ej_name = it->second;
  }
}

const Establishment* Registry::find(std::string_view finess) const {
  const auto it = by_finess_.find(std::string(finess));
  return it == by_finess_.end() ? nullptr : &establishments_[it->second];
}

std::vector<const Establishment*> Registry::by_ej(std::string_view ej) const {
  std::vector<const Establishment*> out;
  if (auto it = by_ej_.find(std::string(ej)); it != by_ej_.end())
    for (std::size_t i : it->second) out.push_back(&establishments_[i]);
  return out;
}

std::string Registry::ej_name(std::string_view ej) const {
  const auto it = ej_names_.find(std::string(ej));
  return it == ej_names_.end() ? std::string() : it->second;
}

std::string Registry::label() const {
  std::string out;
  for (const auto& s : sources_) out += (out.empty() ? "" : " + ") + s;
  if (out.empty()) out = "registre";
  return out + " (" + std::to_string(size()) + " établissements)";
}

}  // namespace grappe::domain
