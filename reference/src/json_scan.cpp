#include "json_scan.h"

#include <array>

namespace grappe::reference::internal {
namespace {

enum Class : std::uint8_t { kPlain, kQuote, kOpen, kClose, kEnd };

// What a byte outside strings means to the structure: a scalar ends at kEnd or kClose.
constexpr std::array<std::uint8_t, 256> kClasses = [] {
  std::array<std::uint8_t, 256> c{};
  c['"'] = kQuote;
  c['{'] = c['['] = kOpen;
  c['}'] = c[']'] = kClose;
  c[','] = c[' '] = c['\t'] = c['\n'] = c['\r'] = kEnd;
  return c;
}();

bool white(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

bool JsonScan::refill() {
  if (ended_) return false;
  base_ += chunk_.size();
  chunk_ = text_.take();
  pos_ = 0;
  ended_ = chunk_.empty();
  return !ended_;
}

int JsonScan::peek() {
  if (pos_ == chunk_.size() && !refill()) return -1;
  return static_cast<unsigned char>(chunk_[pos_]);
}

void JsonScan::skip_ws() {
  for (;;) {
    while (pos_ < chunk_.size() && white(chunk_[pos_])) ++pos_;
    if (pos_ < chunk_.size() || !refill()) return;
  }
}

JsonScan::Value JsonScan::value(std::string* out, std::uint64_t limit) {
  const int first = peek();
  if (first < 0) return Value::kTruncated;
  std::uint64_t copied = 0;
  bool too_long = false;
  std::size_t from = pos_;
  auto flush = [&] {
    const std::size_t n = pos_ - from;
    if (out && !too_long) {
      if (copied + n > limit)
        too_long = true;
      else
        out->append(chunk_.data() + from, n);
    }
    copied += n;
  };
  auto done = [&] {
    flush();
    return too_long ? Value::kTooLong : Value::kDone;
  };

  const bool scalar = first != '{' && first != '[' && first != '"';
  bool in_string = false, escape = false;
  std::uint64_t depth = 0;  // an 8 GiB text may hold more than 2^31 brackets
  if (first == '"') {
    ++pos_;
    in_string = true;
  }
  for (;;) {
    if (pos_ == chunk_.size()) {
      flush();
      if (!refill()) return scalar ? done() : Value::kTruncated;
      from = 0;
    }
    const char* p = chunk_.data();
    const std::size_t n = chunk_.size();
    if (scalar) {
      while (pos_ < n && kClasses[static_cast<unsigned char>(p[pos_])] < kClose) ++pos_;
      if (pos_ < n) return done();
      continue;
    }
    if (in_string) {
      for (; pos_ < n; ++pos_) {
        if (escape) {
          escape = false;
        } else if (p[pos_] == '\\') {
          escape = true;
        } else if (p[pos_] == '"') {
          in_string = false;
          ++pos_;
          break;
        }
      }
      if (!in_string && depth == 0) return done();
      continue;
    }
    while (pos_ < n) {
      const std::uint8_t c = kClasses[static_cast<unsigned char>(p[pos_++])];
      if (c == kPlain || c == kEnd) continue;
      if (c == kQuote) {
        in_string = true;
        break;
      }
      if (c == kOpen) {
        ++depth;
      } else if (--depth == 0) {
        return done();
      }
    }
  }
}

}  // namespace grappe::reference::internal
