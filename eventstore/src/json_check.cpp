#include "json_check.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace grappe::es::detail {
namespace {

constexpr int kMaxDepth = 256;

class Checker {
 public:
  explicit Checker(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool text() {
    if (!value()) return false;
    ws();
    return p_ == end_;
  }

 private:
  bool more() const { return p_ < end_; }
  unsigned char peek() const { return static_cast<unsigned char>(*p_); }

  void ws() {
    while (more() && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool value() {
    ws();
    if (!more()) return false;
    switch (*p_) {
      case '{':
        return container('}');
      case '[':
        return container(']');
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  // An object (close == '}') or an array (close == ']'), at its opening bracket.
  bool container(char close) {
    if (++depth_ > kMaxDepth) return false;
    ++p_;
    ws();
    if (more() && *p_ == close) return ++p_, --depth_, true;
    for (;;) {
      if (close == '}') {
        ws();
        if (!more() || *p_ != '"' || !string()) return false;
        ws();
        if (!more() || *p_ != ':') return false;
        ++p_;
      }
      if (!value()) return false;
      ws();
      if (!more()) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != close) return false;
      ++p_;
      --depth_;
      return true;
    }
  }

  bool digits() {
    const char* start = p_;
    while (more() && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != start;
  }

  bool number() {
    const char* start = p_;
    if (more() && *p_ == '-') ++p_;
    if (more() && *p_ == '0') {
      ++p_;
    } else if (!more() || *p_ < '1' || *p_ > '9' || !digits()) {
      return false;
    }
    if (more() && *p_ == '.' && (++p_, !digits())) return false;
    if (more() && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (more() && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      return finite(start);
    }
    return p_ - start < 300 || finite(start);
  }

  // Like nlohmann::json, refuses numbers beyond the range of double.
  bool finite(const char* start) const {
    std::string copy(start, p_);
    return std::isfinite(std::strtod(copy.c_str(), nullptr));
  }

  // Four hex digits after "\\u", as a code unit; -1 when malformed.
  int hex4() {
    int v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      if (!more()) return -1;
      char c = *p_;
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  // "\\uXXXX", where a high surrogate must be followed by an escaped low one.
  bool unicode_escape() {
    int u = hex4();
    if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF)) return false;
    if (u < 0xD800 || u > 0xDBFF) return true;
    if (!literal("\\u")) return false;
    int low = hex4();
    return low >= 0xDC00 && low <= 0xDFFF;
  }

  bool continuation(unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (!more() || peek() < lo || peek() > hi) return false;
    ++p_;
    return true;
  }

  // One multi-byte UTF-8 sequence whose lead byte `c` was consumed.
  bool utf8(unsigned char c) {
    if (c >= 0xC2 && c <= 0xDF) return continuation();
    if (c == 0xE0) return continuation(0xA0, 0xBF) && continuation();
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return continuation() && continuation();
    if (c == 0xED) return continuation(0x80, 0x9F) && continuation();
    if (c == 0xF0) return continuation(0x90, 0xBF) && continuation() && continuation();
    if (c >= 0xF1 && c <= 0xF3) return continuation() && continuation() && continuation();
    if (c == 0xF4) return continuation(0x80, 0x8F) && continuation() && continuation();
    return false;
  }

  bool escape() {
    if (!more()) return false;
    char e = *p_++;
    if (e == 'u') return unicode_escape();
    return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
           e == 't';
  }

  bool string() {
    ++p_;  // opening quote
    while (more()) {
      unsigned char c = peek();
      ++p_;
      if (c == '"') return true;
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x20) {
        return false;
      } else if (c >= 0x80 && !utf8(c)) {
        return false;
      }
    }
    return false;
  }

  const char* p_;
  const char* end_;
  int depth_ = 0;
};

}  // namespace

bool is_json_text(std::string_view text) {
  return Checker(text).text();
}

}  // namespace grappe::es::detail
