// The export of a grappe (PROTOCOL.md v2 "Export"): one document, built from the grappe's state
// as it was at the exported version, written as CSV (UTF-8 with BOM, `;`) or XLSX.
// Pure functions of their arguments; safe to call from any thread.
#pragma once

#include <cstdio>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"

namespace grappe::server {

// A cell, typed for XLSX; CSV writes `text` (a timestamp as "YYYY-MM-DD HH:MM:SS", UTC).
struct ExportCell {
  enum class Kind { kText, kNumber, kTimestamp };
  Kind kind = Kind::kText;
  std::string text;   // the value; a timestamp in RFC 3339 UTC as PROTOCOL.md writes it
  double number = 0;  // kNumber only

  static ExportCell of(std::string text) { return {Kind::kText, std::move(text), 0}; }
  static ExportCell of(std::uint64_t n) { return {Kind::kNumber, std::to_string(n), double(n)}; }
  static ExportCell time(std::string rfc3339) { return {Kind::kTimestamp, std::move(rfc3339), 0}; }
};

using ExportField = std::pair<std::string, ExportCell>;  // a French label and its value
using ExportRow = std::vector<ExportCell>;

// The log's checkpoint that covers the exported version.
struct ExportCheckpoint {
  std::string origin;          // the log's origin line
  std::uint64_t size = 0;      // records the checkpoint covers
  std::string root_base64;     // the tree's root at `size`
  std::uint64_t position = 0;  // the exported version's record in the log
};

struct ExportDocument {
  std::string file_stem;                // "grappe-<id>-v<version>"
  std::vector<ExportField> header;      // the grappe, the version, the export time, the checkpoint
  std::vector<std::string> columns;     // kMemberColumns
  std::vector<ExportRow> members;       // one row per member, in order of first invitation
  std::vector<ExportField> validation;  // the last validation's summary; empty when none
  std::vector<std::string> rule_columns;
  std::vector<ExportRow> rules;  // the last validation's rules
};

// Builds the document of `state` (any version of a grappe), naming organisations, categories and
// regions from `registry` and the call from `config`. `exported_at` is RFC 3339 UTC.
ExportDocument make_export(const domain::GrappeState& state, const domain::Registry& registry,
                           const domain::CallConfig& config, const ExportCheckpoint& checkpoint,
                           const std::string& exported_at);

// One CSV field: quoted when it holds `"`, `;`, CR or LF (quotes doubled); a value starting with
// = + - @ (or a tab or CR) gets a leading ' so that no spreadsheet runs it as a formula.
std::string csv_field(std::string_view value);
// "2026-11-23T10:15:02.123Z" → "2026-11-23 10:15:02" (what a spreadsheet reads as a date).
std::string csv_time(std::string_view rfc3339);

// Writes `doc` as CSV to `out`: the BOM, `# label;value` lines, an empty line, the columns' line,
// one line per member; CRLF line ends. False when writing failed.
bool write_csv(const ExportDocument& doc, std::FILE* out);

// Writes `doc` as an XLSX workbook at `path` (libxlsxwriter, constant-memory mode: rows go to
// temporary files as they are written): sheets "Grappe" (the header block), "Membres" (frozen
// header row, typed cells, column widths) and "Règles". The error says what failed.
std::expected<void, std::string> write_xlsx(const ExportDocument& doc,
                                            const std::filesystem::path& path);

}  // namespace grappe::server
