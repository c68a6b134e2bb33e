// The simple registry CSV (header finess,ej,name,category,departement,commune[,ej_name]
// [,latitude,longitude], any column order) as --registry reads it, any encoding.
#include "fuzz_target.h"
#include "registry_check.h"

GRAPPE_FUZZ_TARGET(simple_csv) {
  auto bytes = grappe::fuzz::as_text(data, size);
  if (bytes.starts_with("finess;etalab")) return -1;  // the extract has its own target
  grappe::fuzz::check_registry_load(bytes);
  return 0;
}
