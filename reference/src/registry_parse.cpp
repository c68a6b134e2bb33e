#include "registry_parse.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "grappe/domain/finess.h"
#include "grappe/domain/internal/text.h"

namespace grappe::reference::internal {
namespace {

using domain::Establishment;
using domain::valid_finess_format;
using domain::internal::is_digits;
using domain::internal::split_csv;
using domain::internal::split_lines;
using domain::internal::trim;

void warn(std::vector<std::string>* warnings, std::string_view source, std::size_t line,
          std::string_view reason) {
  if (warnings)
    warnings->push_back(std::string(source) + ":" + std::to_string(line) + ": " +
                        std::string(reason));
}

// structureet columns, 0-based (DOMAIN.md §5).
enum EtColumn {
  kEtFiness = 1,
  kEtEj = 2,
  kEtRs = 3,
  kEtRsLongue = 4,
  kEtDepartement = 13,
  kEtAcheminement = 15,
  kEtCategory = 18,
  kEtCategoryLabel = 19,
  kEtMinFields = 31
};

std::string et_row(const std::vector<std::string>& f, Establishment& e) {
  if (f.size() < kEtMinFields) return "structureet : " + std::to_string(f.size()) + " champs";
  e.finess = f[kEtFiness];
  e.ej = f[kEtEj];
  e.name = trim(f[kEtRsLongue].empty() ? f[kEtRs] : f[kEtRsLongue]);
  e.departement = f[kEtDepartement];
  e.commune = town(f[kEtAcheminement]);
  e.category = f[kEtCategory];
  e.category_label = f[kEtCategoryLabel];
  return {};
}

}  // namespace

std::string town(std::string_view acheminement) {
  std::string t = trim(acheminement);
  if (t.size() > 6 && is_digits(std::string_view(t).substr(0, 5)) && t[5] == ' ') t.erase(0, 6);
  for (std::string_view cedex : {" CEDEX", " Cedex"}) {
    const auto pos = t.find(cedex);
    if (pos != std::string::npos) t.erase(pos);
  }
  return trim(t);
}

std::expected<domain::RegistrySource, std::string> parse_finess_extract(
    std::string_view text, std::string_view source, std::vector<std::string>* warnings) {
  const auto lines = split_lines(text);
  domain::RegistrySource out;
  out.establishments.reserve(lines.size());
  std::vector<std::string> f;
  std::vector<GeoRow> geo;
  split_csv(lines.at(0), ';', f);
  out.label = "FINESS " + (f.size() > 3 ? f[3] : std::string(source));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (!split_csv(lines[i], ';', f)) {
      warn(warnings, source, i + 1, "guillemet non fermé");
      continue;
    }
    if (f[0] == "structureej") {
      if (f.size() < 4 || !valid_finess_format(f[1])) {
        warn(warnings, source, i + 1, "structureej invalide");
        continue;
      }
      out.ej_names[f[1]] = trim(f[3].empty() ? f[2] : f[3]);
      continue;
    }
    if (f[0] == "geolocalisation") {
      if (f.size() >= 5) geo.push_back({f[1], f[2], f[3], f[4], i + 1});
      continue;
    }
    if (f[0] != "structureet") continue;  // equipementsocial…: not needed
    Establishment e;
    std::string reason = et_row(f, e), warning;
    if (reason.empty()) reason = domain::check_establishment(e, warning);
    if (!reason.empty()) {
      warn(warnings, source, i + 1, reason);
      continue;
    }
    if (!warning.empty()) warn(warnings, source, i + 1, warning);
    out.establishments.push_back(std::move(e));
  }
  if (out.establishments.empty() && out.ej_names.empty())
    return std::unexpected(std::string(source) +
                           " : aucune ligne structureet ou structureej utilisable");
  if (!geo.empty()) locate(out.establishments, geo, source, warnings);
  return out;
}

namespace {

struct Columns {
  int finess = -1, ej = -1, name = -1, category = -1, departement = -1, commune = -1, ej_name = -1;
  int latitude = -1, longitude = -1;
};

std::expected<Columns, std::string> header(const std::vector<std::string>& f) {
  Columns c;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::string name = trim(f[i]);
    const int idx = static_cast<int>(i);
    if (name == "finess")
      c.finess = idx;
    else if (name == "ej")
      c.ej = idx;
    else if (name == "name")
      c.name = idx;
    else if (name == "category")
      c.category = idx;
    else if (name == "departement")
      c.departement = idx;
    else if (name == "commune")
      c.commune = idx;
    else if (name == "ej_name")
      c.ej_name = idx;
    else if (name == "latitude")
      c.latitude = idx;
    else if (name == "longitude")
      c.longitude = idx;
  }
  for (int col : {c.finess, c.ej, c.name, c.category, c.departement, c.commune})
    if (col < 0)
      return std::unexpected(
          "en-tête attendu : finess,ej,name,category,departement,commune[,ej_name]");
  if ((c.latitude < 0) != (c.longitude < 0))
    return std::unexpected("colonnes latitude et longitude : les deux ou aucune");
  return c;
}

}  // namespace

std::expected<domain::RegistrySource, std::string> parse_simple_csv(
    std::string_view text, std::string_view source, std::vector<std::string>* warnings) {
  const auto lines = split_lines(text);
  std::vector<std::string> f;
  split_csv(lines.at(0), ',', f);
  auto cols = header(f);
  if (!cols) return std::unexpected(std::string(source) + " : " + cols.error());
  const int needed =
      std::max({cols->finess, cols->ej, cols->name, cols->category, cols->departement,
                cols->commune, cols->ej_name, cols->latitude, cols->longitude});
  domain::RegistrySource out;
  out.label = std::filesystem::path(source).filename().string();
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    if (!split_csv(lines[i], ',', f) || static_cast<int>(f.size()) <= needed) {
      warn(warnings, source, i + 1, "nombre de colonnes incorrect");
      continue;
    }
    Establishment e{trim(f[cols->finess]),
                    trim(f[cols->ej]),
                    "",
                    trim(f[cols->name]),
                    trim(f[cols->category]),
                    "",
                    trim(f[cols->departement]),
                    "",
                    trim(f[cols->commune]),
                    false};
    if (cols->ej_name >= 0) e.ej_name = trim(f[cols->ej_name]);
    if (cols->latitude >= 0 &&
        !(trim(f[cols->latitude]).empty() && trim(f[cols->longitude]).empty())) {
      const auto lat = parse_decimal(trim(f[cols->latitude]));
      const auto lon = parse_decimal(trim(f[cols->longitude]));
      if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180)
        warn(warnings, source, i + 1, "latitude/longitude invalides (ligne gardée sans position)");
      else
        e.location = domain::GeoPoint{*lat, *lon};
    }
    std::string warning, reason = domain::check_establishment(e, warning);
    if (!reason.empty()) {
      warn(warnings, source, i + 1, reason);
      continue;
    }
    if (!warning.empty()) warn(warnings, source, i + 1, warning);
    if (!e.ej_name.empty()) out.ej_names.emplace(e.ej, e.ej_name);
    out.establishments.push_back(std::move(e));
  }
  if (out.establishments.empty())
    return std::unexpected(std::string(source) + " : aucun établissement utilisable");
  return out;
}

}  // namespace grappe::reference::internal
