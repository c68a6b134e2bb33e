// grappe-admin: records as JSON — the export/import line and the events endpoint's object.
//
// Export line (PROTOCOL.md "Precise points"): the events endpoint's fields plus stream, type and
// id, in this order, on one line:
//   {"position":1,"stream":"grappe-…","version":1,"id":"…","type":"GrappeCreated","data":{…},
//    "actor":{"id":"…","name":"…"},"at":"2026-11-23T10:15:02.123Z","commandId":"…","hash":"…"}
// `data` is the stored JSON text itself, byte for byte, so that an import stores exactly what
// was exported (the chain hash covers those bytes). A stored text that cannot sit on one line
// as it is (it holds a line break, or starts or ends with white space) is written compactly in
// `data` and exactly, as a string, in an extra field `dataText`, which import prefers.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "grappe/domain/events.h"
#include "grappe/eventstore/record.h"

namespace grappe::admin {

// Appends the export line of `r` (without the line break) to `out`.
void append_export_line(const es::Record& r, std::string& out);

// Parses an export line; the error says which field is missing or malformed.
std::expected<es::Record, std::string> parse_export_line(std::string_view line);

// The object GET /api/grappes/{id}/events lists for `r`:
// {version, position, type, data, actor, at, commandId, hash, id}.
nlohmann::json event_json(const es::Record& r);

}  // namespace grappe::admin
