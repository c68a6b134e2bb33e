// The query string of an HTTP request target, as the API reads it (query_param,
// has_query_param) for every parameter name it uses. A value is percent-decoded once, so it is
// never longer than the target; a parameter that is absent reads as empty.
#include <string_view>

#include "api.h"
#include "fuzz_target.h"

GRAPPE_FUZZ_TARGET(http_query) {
  auto target = grappe::fuzz::as_text(data, size);
  for (std::string_view key :
       {"at", "atVersion", "call", "category", "departement", "ej", "fromVersion",
        "includeUnavailable", "limit", "lookingForGrappe", "q", "region", "status", "", "="}) {
    auto value = grappe::server::query_param(target, key);
    bool present = grappe::server::has_query_param(target, key);
    GRAPPE_FUZZ_CHECK(value.size() <= target.size());
    GRAPPE_FUZZ_CHECK(present || value.empty());
  }
  return 0;
}
