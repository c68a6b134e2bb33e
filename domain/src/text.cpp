#include "grappe/domain/internal/text.h"

#include <array>
#include <cstdint>

namespace grappe::domain::internal {

bool split_csv(std::string_view line, char sep, std::vector<std::string>& fields) {
  // Reuses the strings of `fields` so that a loop over lines does not allocate.
  std::size_t n = 0;
  auto next = [&]() -> std::string& {
    if (n == fields.size()) fields.emplace_back();
    fields[n].clear();
    return fields[n++];
  };
  std::string* field = &next();
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        *field += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        *field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      field = &next();
    } else {
      *field += c;
    }
  }
  fields.resize(n);
  return !quoted;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::array<std::uint32_t, 4> kMin{0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

namespace {

// Base letter of U+00C0–U+00FF, lower case; 0 for × and ÷.
constexpr std::string_view kLatin1Fold(
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty",
    64);

char fold(std::uint32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return ' ';
  }
  if (cp >= 0xC0 && cp <= 0xFF) {
    const char f = kLatin1Fold[cp - 0xC0];
    return f == '\0' ? ' ' : f;
  }
  if (cp == 0x152 || cp == 0x153) return 'o';  // Œ œ (the 'e' is dropped; good enough)
  if (cp == 0x178) return 'y';
  return ' ';
}

}  // namespace

std::string normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xC0 && c < 0xE0 && i + 1 < text.size()) {
      cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      len = 2;
    } else if (c >= 0xE0) {
      len = c >= 0xF0 ? 4 : 3;
      cp = 0xFFFF;
    }
    out += fold(cp);
    i += len;
  }
  return out;
}

std::vector<std::string> words(std::string_view normalised) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < normalised.size()) {
    while (i < normalised.size() && normalised[i] == ' ') ++i;
    std::size_t j = i;
    while (j < normalised.size() && normalised[j] != ' ') ++j;
    if (j > i) out.emplace_back(normalised.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace grappe::domain::internal
