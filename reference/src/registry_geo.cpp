// The extract's `geolocalisation` lines: projected coordinates converted once, at load.
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "grappe/domain/internal/text.h"
#include "grappe/reference/coordinates.h"
#include "registry_parse.h"

namespace grappe::reference::internal {

using domain::internal::trim;

std::optional<double> parse_decimal(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c == ',') c = '.';
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

void locate(std::vector<domain::Establishment>& establishments, const std::vector<GeoRow>& rows,
            std::string_view source, std::vector<std::string>* warnings) {
  auto warn = [&](std::size_t line, std::string_view reason) {
    if (warnings)
      warnings->push_back(std::string(source) + ":" + std::to_string(line) + ": " +
                          std::string(reason));
  };
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(establishments.size());
  for (std::size_t i = 0; i < establishments.size(); ++i)
    index.emplace(establishments[i].finess, i);
  CoordinateConverter converter;
  for (const GeoRow& row : rows) {
    const auto it = index.find(row.finess);
    if (it == index.end()) continue;  // its structureet line was absent or skipped (reported)
    if (trim(row.x).empty() && trim(row.y).empty()) continue;
    const auto x = parse_decimal(trim(row.x)), y = parse_decimal(trim(row.y));
    const auto epsg = epsg_in_source(row.source);
    if (!x || !y) {
      warn(row.line, "geolocalisation : coordonnées illisibles");
      continue;
    }
    if (!epsg) {
      warn(row.line, "geolocalisation : projection non indiquée (EPSG)");
      continue;
    }
    const auto point = converter.to_wgs84(*epsg, *x, *y);
    if (!point) {
      warn(row.line,
           "geolocalisation : conversion impossible depuis EPSG:" + std::to_string(*epsg));
      continue;
    }
    establishments[it->second].location = point;
  }
}

}  // namespace grappe::reference::internal
