// grappe/reference/registry_file.h — the registry files --registry names, read into a
// domain::Registry: FINESS+ "structures" JSON (finess_plus.h), the official FINESS open-data
// extract and the simple CSV. Every function may be called from any thread; none keeps anything
// between calls.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::reference {

// Reads one file, its format detected by content:
// - gzip (magic 1f 8b), or `{` / `[` first (after a BOM and spaces): FINESS+ JSON, streamed by
//   read_finess_plus() (up to kMaxFinessPlusText bytes of text; warnings
//   "<file>:octet <N>: <reason>");
// - first line `finess;etalab;…`: the official FINESS open-data extract (sections
//   `structureet`, `geolocalisation` and `structureej`, UTF-8 or ISO-8859-1/Windows-1252);
// - otherwise the simple UTF-8 CSV
//   `finess,ej,name,category,departement,commune[,ej_name][,latitude,longitude]` (any column
//   order, header required; WGS84 decimal degrees).
// The CSV formats are read whole (1 GiB at most). `geolocalisation` coordinates are projected
// (the CRS named by EPSG code in `sourcecoordet`) and converted to WGS84 with PROJ. A bad row or
// record is skipped and reported in `warnings` (when not null) as "<file>:<line>: <reason>" (CSV)
// or "<file>:octet <N>: <reason>" (FINESS+); a FINESS key mismatch is reported but the row is
// kept; so is a FINESS present twice (the first is kept). An unreadable file, an unknown header,
// a JSON file that is not FINESS+ (another shape, cut short) or a file without a single usable
// row → the error.
std::expected<domain::Registry, std::string> load_registry_file(const std::filesystem::path& path,
                                                                std::vector<std::string>* warnings);
// Same, from the file's bytes (FINESS+ too, gzip or not); `source` names it in warnings and in
// Registry::label().
std::expected<domain::Registry, std::string> load_registry_bytes(
    std::string_view bytes, std::string_view source, std::vector<std::string>* warnings);

// Loads `path` and merges it into `registry` (see domain::Registry::merge()).
std::expected<void, std::string> add_registry_file(domain::Registry& registry,
                                                   const std::filesystem::path& path,
                                                   std::vector<std::string>* warnings);

}  // namespace grappe::reference
