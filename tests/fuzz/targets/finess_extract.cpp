// The official FINESS open-data extract (first line "finess;etalab;…"; sections structureet,
// geolocalisation, structureej; UTF-8 or Windows-1252) as --registry reads it.
#include "fuzz_target.h"
#include "registry_check.h"

GRAPPE_FUZZ_TARGET(finess_extract) {
  auto bytes = grappe::fuzz::as_text(data, size);
  if (!bytes.starts_with("finess;etalab")) return -1;  // the simple CSV has its own target
  grappe::fuzz::check_registry_load(bytes);
  return 0;
}
