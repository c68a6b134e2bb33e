// One line of `admin import` (an `admin export` line: JSON Lines, PROTOCOL.md "Precise points")
// as parse_export_line reads it, then the event-data check the store makes before importing.
// A record that import would store is written back by export into a line that reads as the
// same record: export and import are inverse on everything import accepts.
#include <nlohmann/json.hpp>

#include "fuzz_target.h"
#include "json_check.h"
#include "record_json.h"

namespace {

using grappe::es::Record;

void check_same(const Record& a, const Record& b) {
  GRAPPE_FUZZ_CHECK(a.position == b.position && a.version == b.version);
  GRAPPE_FUZZ_CHECK(a.stream == b.stream && a.id == b.id && a.type == b.type);
  GRAPPE_FUZZ_CHECK(a.data == b.data);
  GRAPPE_FUZZ_CHECK(a.actor.id == b.actor.id && a.actor.name == b.actor.name);
  GRAPPE_FUZZ_CHECK(a.command_id == b.command_id && a.hash == b.hash);
  GRAPPE_FUZZ_CHECK(a.timestamp == b.timestamp);
}

}  // namespace

GRAPPE_FUZZ_TARGET(admin_import) {
  auto line = grappe::fuzz::as_text(data, size);
  if (line.find('\n') != std::string_view::npos) return -1;  // import splits lines first
  auto record = grappe::admin::parse_export_line(line);
  if (!record) {
    (void)nlohmann::json(record.error()).dump();
    return 0;
  }
  bool json_text = grappe::es::detail::is_json_text(record->data);
  GRAPPE_FUZZ_CHECK(json_text == nlohmann::json::accept(record->data) ||
                    record->data.find('\0') != std::string::npos);
  if (!json_text) return 0;  // the store refuses it: "event data is not a JSON text"
  (void)grappe::admin::event_json(*record).dump();
  (void)nlohmann::json(record->stream).dump();
  std::string exported;
  grappe::admin::append_export_line(*record, exported);
  auto again = grappe::admin::parse_export_line(exported);
  GRAPPE_FUZZ_CHECK(again.has_value());
  check_same(*record, *again);
  return 0;
}
