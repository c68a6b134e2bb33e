// The FINESS+ "structures" JSON (plain or gzip, detected by content) as --registry reads it:
// the streamed SAX reader, the mapping of its records and its refusals.
#include "grappe/reference/finess_plus.h"

#include "fuzz_target.h"
#include "registry_check.h"

GRAPPE_FUZZ_TARGET(finess_plus) {
  auto bytes = grappe::fuzz::as_text(data, size);
  if (!grappe::reference::looks_like_json_or_gzip(bytes)) return -1;  // the CSV targets' inputs
  grappe::fuzz::check_registry_load(bytes);
  return 0;
}
