// Private: parsing registry files (already UTF-8) into establishments and organisation names.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::reference::internal {

// `text` is UTF-8 (already transcoded). Bad rows are skipped with "<source>:<line>: <reason>" in
// `warnings` (when not null). The label is "FINESS <date>" for the extract, the file name for
// the simple CSV.
std::expected<domain::RegistrySource, std::string> parse_finess_extract(
    std::string_view text, std::string_view source, std::vector<std::string>* warnings);
std::expected<domain::RegistrySource, std::string> parse_simple_csv(
    std::string_view text, std::string_view source, std::vector<std::string>* warnings);

// A `geolocalisation` line of the extract (DOMAIN.md §5): coordxet, coordyet, sourcecoordet.
struct GeoRow {
  std::string finess, x, y, source;
  std::size_t line = 0;
};

// Sets the location of the establishments that `rows` name, converting each row's projected
// coordinates (the CRS named in its source) to WGS84 with PROJ. A row that cannot be converted
// is reported in `warnings`; a row without coordinates or for an unknown ET is skipped.
void locate(std::vector<domain::Establishment>& establishments, const std::vector<GeoRow>& rows,
            std::string_view source, std::vector<std::string>* warnings);

// A town from an address's `ligneAcheminement`: "01440 VIRIAT" → "VIRIAT"; "97306 CAYENNE CEDEX"
// → "CAYENNE"; "BOURG EN BRESSE" as it is.
std::string town(std::string_view acheminement);

// "45.83" or "45,83" → 45.83; nullopt when not a finite number.
std::optional<double> parse_decimal(std::string_view text);

}  // namespace grappe::reference::internal
