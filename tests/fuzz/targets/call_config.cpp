// The --config file (calls for projects) as the server reads it: JSON text, then
// domain::CallConfig::parse. What is accepted is within the documented bounds: ids unique,
// thresholds 1–10000, deadlines normalised to a timestamp that parses back to itself.
#include <nlohmann/json.hpp>
#include <set>

#include "fuzz_target.h"
#include "grappe/domain/config.h"
#include "grappe/domain/time.h"

GRAPPE_FUZZ_TARGET(call_config) {
  auto json = nlohmann::json::parse(grappe::fuzz::as_text(data, size), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return -1;
  auto config = grappe::domain::CallConfig::parse(json);
  if (!config) {
    (void)nlohmann::json(config.error()).dump();
    return 0;
  }
  GRAPPE_FUZZ_CHECK(!config->calls.empty());
  std::set<std::string> ids;
  for (const auto& call : config->calls) {
    GRAPPE_FUZZ_CHECK(ids.insert(call.id).second);
    GRAPPE_FUZZ_CHECK(call.threshold >= 1 && call.threshold <= 10000);
    GRAPPE_FUZZ_CHECK(call.threshold_overseas_corsica >= 1 &&
                      call.threshold_overseas_corsica <= 10000);
    GRAPPE_FUZZ_CHECK(config->find(call.id) == &call);
    (void)nlohmann::json{call.id, call.label, call.regions}.dump();
    if (call.deadline) {
      auto t = grappe::domain::parse_timestamp(*call.deadline);
      GRAPPE_FUZZ_CHECK(t.has_value());
      GRAPPE_FUZZ_CHECK(grappe::domain::format_timestamp(*t) == *call.deadline);
    }
  }
  return 0;
}
