// Shared by the registry targets: loads a file's bytes as --registry does and checks what came
// out. Every establishment kept has well-formed FINESS numbers, is found again by its number and
// by a search on its name, and has texts that serialise as the API sends them.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "fuzz_target.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/registry.h"
#include "grappe/reference/registry_file.h"

namespace grappe::fuzz {

inline void check_registry_load(std::string_view bytes) {
  std::vector<std::string> warnings;
  auto registry = reference::load_registry_bytes(bytes, "fuzz.csv", &warnings);
  if (!registry) {
    (void)nlohmann::json(registry.error()).dump();
    return;
  }
  (void)nlohmann::json(warnings).dump();
  (void)nlohmann::json(registry->label()).dump();
  for (const auto& e : registry->establishments()) {
    GRAPPE_FUZZ_CHECK(domain::valid_finess_format(e.finess));
    GRAPPE_FUZZ_CHECK(domain::valid_finess_format(e.ej));
    GRAPPE_FUZZ_CHECK(registry->find(e.finess) == &e);
    (void)nlohmann::json{e.finess,         e.ej,          e.ej_name, e.name,   e.category,
                         e.category_label, e.departement, e.region,  e.commune}
        .dump();
    if (e.location) {
      GRAPPE_FUZZ_CHECK(e.location->lat >= -90 && e.location->lat <= 90);
      GRAPPE_FUZZ_CHECK(e.location->lon >= -180 && e.location->lon <= 180);
    }
  }
  if (registry->size() == 0) return;
  const auto& first = registry->establishments().front();
  (void)registry->search(first.name, "", "", 5);
  auto found = registry->search(first.finess, first.departement, first.category, 5);
  GRAPPE_FUZZ_CHECK(!found.empty());
  (void)registry->by_ej(first.ej);
}

}  // namespace grappe::fuzz
