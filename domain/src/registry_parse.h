// Private: parsing registry files into establishments and organisation names.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::domain::internal {

struct ParsedRegistry {
  std::vector<Establishment> establishments;
  std::unordered_map<std::string, std::string> ej_names;
  std::string label;  // "FINESS 2026-05-12" or the file name
};

// `text` is UTF-8 (already transcoded). Bad rows are skipped with "<source>:<line>: <reason>" in
// `warnings` (when not null).
std::expected<ParsedRegistry, std::string> parse_finess_extract(std::string_view text,
                                                                std::string_view source,
                                                                std::vector<std::string>* warnings);
std::expected<ParsedRegistry, std::string> parse_simple_csv(std::string_view text,
                                                            std::string_view source,
                                                            std::vector<std::string>* warnings);

// Checks an establishment's FINESS numbers and département and fills its region, scope and
// category label; returns the reason when the row must be skipped. Key mismatches are warnings
// (`warning` set, row kept).
std::string check_establishment(Establishment& e, std::string& warning);

}  // namespace grappe::domain::internal
