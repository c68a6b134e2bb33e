// grappe/domain/internal/text.h — the domain's text helpers: CSV fields, UTF-8, search
// normalisation. Internal: for the domain's own sources and the registry readers of
// grappe::reference, which parse the same CSV; not an API for anything else.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain::internal {

// Splits one CSV record on `sep`, honouring RFC 4180 quotes ("a;""b""" → a;"b"). False when a
// quote is left open.
bool split_csv(std::string_view line, char sep, std::vector<std::string>& fields);

// Splits text into lines, dropping a trailing '\r' from each.
std::vector<std::string_view> split_lines(std::string_view text);

bool valid_utf8(std::string_view text);
// Number of code points of valid UTF-8.
std::size_t utf8_length(std::string_view text);

// Lower-case ASCII letters and digits; Latin letters with accents folded to their base letter;
// everything else becomes a space. "Saint-Émilion" → "saint emilion".
std::string normalise(std::string_view text);
// The words of a normalised text.
std::vector<std::string> words(std::string_view normalised);

std::string trim(std::string_view text);
bool is_digits(std::string_view text);

}  // namespace grappe::domain::internal
