// grappe/reference/finess_plus.h — the FINESS+ "structures" JSON that data.gouv.fr publishes
// since 2026 (daily and monthly, `.json` or `.json.gz`; schema and a real sample in
// reference/data/finess-plus/), read as a stream: the text is inflated and parsed chunk by
// chunk, and only one record (an EJ's own fields, or one ET) is held as a DOM at a time, so a
// national file (~100,000 ET, several hundred MB of text) costs the registry it yields and little
// more. Every function may be called from any thread; none keeps anything between calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::reference {

// What one FINESS+ file holds, as read.
struct FinessPlusFile {
  // Label "FINESS+ <date of generatedAt>"; the establishments (ET) in file order, checked by
  // domain::check_establishment (a FINESS present twice is still there: Registry::from_source
  // keeps the first); ej_names for every EJ read, with or without ET.
  domain::RegistrySource source;
  std::string schema_version;      // "v1.0.0"
  std::string generated_at;        // "2026-08-13T02:07:30.574916747Z", as the file writes it
  std::size_t organisations = 0;   // EJ (`pmej` records) read
  std::size_t establishments = 0;  // ET kept (= source.establishments.size())
  std::size_t closed = 0;          // ET kept that have a `dateFermeture` (closed_on)
  std::size_t skipped = 0;         // records skipped (each one reported in the warnings)
};

// The most text a FINESS+ file may hold (after decompression): 8 GiB, ten times a national file.
inline constexpr std::uint64_t kMaxFinessPlusText = std::uint64_t{8} << 30;

// True when `head` (the first bytes of a file, a few are enough) starts like a file for
// read_finess_plus(): the gzip magic 1f 8b, or `{` / `[` after an optional UTF-8 BOM and spaces.
bool looks_like_json_or_gzip(std::string_view head);

// Reads `in` (binary, from its current position: gzip or plain UTF-8, detected by content) to
// its end; gzip bytes are read and inflated on a thread of its own (joined before returning). Each
// EJ or ET record that cannot be used (no or malformed FINESS, no name, a bad category, a
// département outside the programme's, a value of the wrong JSON type where a record belongs) is
// skipped and reported in `warnings` (when not null) as
// "<source>:octet <N>: <EJ|ET> <FINESS> : <why>", N the offset of the record's `{` in the text
// (after decompression); so are remarks that keep the record (a commune in another département
// than the FINESS prefix's — the prefix wins —, a key that does not match, an unreadable SIRET,
// date or position, categories the nomenclature lacks). Returns the error, in French, when the
// input is not a FINESS+ structures file: not JSON, a top-level value other than an object, no
// `pmej` array, JSON cut short (a truncated file or gzip archive), a corrupt gzip archive, more
// than `max_text` bytes of text, or not a single usable EJ or ET. Every record read is validated
// as JSON (syntax and UTF-8); the values it skips (`gco`, `gcc`, fields the registry does not
// read) are checked only for balanced brackets and closed strings. Records over 4 MiB, and an
// EJ's ET beyond 64 MiB or 100,000 records, are skipped; past 10,000 remarks in one EJ, the rest
// are only counted; past 10,000 remarks in all, the rest are counted in one last remark.
std::expected<FinessPlusFile, std::string> read_finess_plus(
    std::istream& in, std::string_view source, std::vector<std::string>* warnings,
    std::uint64_t max_text = kMaxFinessPlusText);

// Same, from a file (`source` is its path).
std::expected<FinessPlusFile, std::string> read_finess_plus_file(
    const std::filesystem::path& path, std::vector<std::string>* warnings);

}  // namespace grappe::reference
