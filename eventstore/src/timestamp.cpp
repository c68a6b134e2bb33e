// RFC 3339 timestamps read into Record::timestamp (the admin tool's import). The store never
// writes text: records keep milliseconds, and domain::format_timestamp is the one formatter.
#include <chrono>

#include "grappe/eventstore/record.h"

namespace grappe::es {
namespace {

using Ms = std::chrono::milliseconds;

// Exactly `digits` decimal digits: no sign (std::from_chars alone would take "-001" as a year).
bool read_int(std::string_view& in, std::size_t digits, int& out) {
  if (in.size() < digits) return false;
  out = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    if (in[i] < '0' || in[i] > '9') return false;
    out = out * 10 + (in[i] - '0');
  }
  in.remove_prefix(digits);
  return true;
}

bool expect(std::string_view& in, char c) {
  if (in.empty() || (in.front() != c && !(c == 'T' && in.front() == 't'))) return false;
  in.remove_prefix(1);
  return true;
}

// Fraction ".ddd…" (any number of digits, milliseconds kept); absent is fine.
bool read_fraction(std::string_view& in, int& ms) {
  ms = 0;
  if (in.empty() || in.front() != '.') return true;
  in.remove_prefix(1);
  int n = 0;
  while (!in.empty() && in.front() >= '0' && in.front() <= '9') {
    if (n < 3) ms = ms * 10 + (in.front() - '0');
    ++n;
    in.remove_prefix(1);
  }
  for (int i = n; i < 3; ++i) ms *= 10;
  return n > 0;
}

bool read_offset(std::string_view& in, std::chrono::minutes& off) {
  if (!in.empty() && (in.front() == 'Z' || in.front() == 'z')) {
    in.remove_prefix(1);
    off = {};
    return true;
  }
  if (in.empty() || (in.front() != '+' && in.front() != '-')) return false;
  int sign = in.front() == '-' ? -1 : 1;
  in.remove_prefix(1);
  int h = 0, m = 0;
  if (!read_int(in, 2, h) || !expect(in, ':') || !read_int(in, 2, m) || h > 23 || m > 59) {
    return false;
  }
  off = std::chrono::minutes(sign * (h * 60 + m));
  return true;
}

}  // namespace

bool parse_timestamp(std::string_view in, std::chrono::sys_time<Ms>& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  std::chrono::minutes off{};
  if (!read_int(in, 4, y) || !expect(in, '-') || !read_int(in, 2, mo) || !expect(in, '-') ||
      !read_int(in, 2, d) || !expect(in, 'T') || !read_int(in, 2, h) || !expect(in, ':') ||
      !read_int(in, 2, mi) || !expect(in, ':') || !read_int(in, 2, s) || !read_fraction(in, ms) ||
      !read_offset(in, off) || !in.empty()) {
    return false;
  }
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                  std::chrono::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return false;
  out = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
        std::chrono::seconds(s) + Ms(ms) - off;
  return true;
}

}  // namespace grappe::es
