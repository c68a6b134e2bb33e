#include "grappe/domain/time.h"

#include <cstdio>

namespace grappe::domain {

// The one formatter of timestamps: the event store keeps milliseconds and never writes text, so
// read models, frames and the admin tool's records all come through here.
std::string format_timestamp(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  const int year = int(ymd.year());
  if (year >= 0 && year <= 9999) {  // by hand: folding the log formats one per event
    std::string out = "0000-00-00T00:00:00.000Z";
    auto put = [&out](std::size_t at, int value, int digits) {
      for (int i = digits - 1; i >= 0; --i, value /= 10) out[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    put(5, int(unsigned(ymd.month())), 2);
    put(8, int(unsigned(ymd.day())), 2);
    put(11, int(hms.hours().count()), 2);
    put(14, int(hms.minutes().count()), 2);
    put(17, int(hms.seconds().count()), 2);
    put(20, int(hms.subseconds().count()), 3);
    return out;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year, unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()), int(hms.subseconds().count()));
  return buf;
}

namespace {

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z')
    return std::nullopt;
  if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, mo) || !read_int(text, 8, 2, d) ||
      !read_int(text, 11, 2, h) || !read_int(text, 14, 2, mi) || !read_int(text, 17, 2, s))
    return std::nullopt;
  int ms = 0;
  std::string_view frac = text.substr(19, text.size() - 20);
  if (!frac.empty()) {
    if (frac[0] != '.' || frac.size() < 2) return std::nullopt;
    for (std::size_t i = 1; i < frac.size(); ++i) {
      if (frac[i] < '0' || frac[i] > '9') return std::nullopt;
      if (i <= 3) ms = ms * 10 + (frac[i] - '0');
    }
    for (std::size_t i = frac.size(); i <= 3; ++i) ms *= 10;
  }
  const year_month_day ymd{year{y}, month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

}  // namespace grappe::domain
