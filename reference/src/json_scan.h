// Private: a byte cursor over a registry file's text (TextStreamBuf) that walks JSON without
// parsing it: white space, punctuation, and whole values copied or skipped by their structure
// alone (strings with their escapes, nested brackets). It lets a reader cut a huge document into
// its records at memory speed and hand each record's text to a real parser, which validates it.
// A value it skips is checked only for balanced brackets and closed strings. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "text_stream.h"

namespace grappe::reference::internal {

class JsonScan {
 public:
  explicit JsonScan(TextStreamBuf& text) : text_(text) {}

  // The next byte, not consumed; -1 at the end of the text.
  int peek();
  int peek_after_ws() {
    skip_ws();
    return peek();
  }
  void skip() { ++pos_; }  // consumes the byte peek() returned (not -1)
  void skip_ws();
  // Offset in the text of the next byte.
  std::uint64_t offset() const { return base_ + pos_; }

  enum class Value { kDone, kTruncated, kTooLong };
  // The value starting at the next byte (not white space): appended to `out` when not null, as
  // long as it stays within `limit` bytes (beyond, the rest is skipped and kTooLong returned).
  // kTruncated when the text ends inside it. A scalar ends before `,` `}` `]` or white space.
  Value value(std::string* out, std::uint64_t limit = UINT64_MAX);

 private:
  bool refill();  // false at the end of the text

  TextStreamBuf& text_;
  std::string_view chunk_;
  std::size_t pos_ = 0;
  std::uint64_t base_ = 0;  // offset of chunk_[0]
  bool ended_ = false;
};

}  // namespace grappe::reference::internal
