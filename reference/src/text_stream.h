// Private: a registry file's text as a std::streambuf, inflated on the fly with zlib when the
// bytes are gzip (RFC 1952, detected by the magic 1f 8b; concatenated members included), passed
// through otherwise. Holds one raw chunk and one text chunk (64 KiB each), never the whole text.
// Used by one thread at a time.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

namespace grappe::reference::internal {

class TextStreamBuf : public std::streambuf {
 public:
  // Reads `raw` (binary, from its current position) as long as this buffer lives; `raw` must
  // outlive it. More than `max_text` bytes of text end the stream with error() set.
  TextStreamBuf(std::istream& raw, std::uint64_t max_text);
  ~TextStreamBuf() override;
  TextStreamBuf(const TextStreamBuf&) = delete;
  TextStreamBuf& operator=(const TextStreamBuf&) = delete;

  bool gzip() const { return gzip_; }
  // Bytes of text handed out so far: the offset in the (decompressed) text of the next byte.
  std::uint64_t offset() const { return base_ + static_cast<std::uint64_t>(gptr() - eback()); }
  // True once the text has ended (its last byte was handed out, or an error ended it).
  bool ended() const { return ended_; }
  // Why the text ended early, in French (corrupt or truncated gzip, read error, too large);
  // empty while none did.
  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override;

 private:
  struct Inflater;
  bool fill_raw();                // next raw chunk; false at the end of `raw`
  std::size_t inflate_some();     // text bytes written to text_, 0 at the end or on error
  void fail(std::string reason);  // ends the stream with `reason`

  std::istream& raw_;
  std::uint64_t max_text_;
  std::unique_ptr<Inflater> inflater_;  // null for plain text
  std::string raw_buf_, text_buf_;
  std::size_t raw_pos_ = 0, raw_len_ = 0;
  std::uint64_t base_ = 0;  // text bytes before the current get area
  bool gzip_ = false, raw_end_ = false, ended_ = false;
  std::string error_;
};

}  // namespace grappe::reference::internal
