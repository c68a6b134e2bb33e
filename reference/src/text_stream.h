// Private: a registry file's text as a std::streambuf, inflated on the fly with zlib when the
// bytes are gzip (RFC 1952, detected by the magic 1f 8b; concatenated members included), passed
// through otherwise. Never holds the whole text: plain text goes through one 64 KiB chunk; gzip
// is inflated on a thread of its own, a few 256 KiB chunks ahead of the reader (at most
// kQueuedChunks waiting), so that inflating and parsing share the two cores. The stream itself is
// used by one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <mutex>
#include <streambuf>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace grappe::reference::internal {

class TextStreamBuf : public std::streambuf {
 public:
  // Reads `raw` (binary, from its current position) as long as this buffer lives; `raw` must
  // outlive it, and is read by the inflating thread when the bytes are gzip. More than
  // `max_text` bytes of text end the stream with error() set.
  TextStreamBuf(std::istream& raw, std::uint64_t max_text);
  ~TextStreamBuf() override;  // stops and joins the inflating thread
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
  // The rest of the current chunk of text, consumed: valid until the next call or the next read
  // through the stream. Empty once the text has ended. For readers that scan bytes themselves.
  std::string_view take() {
    if (gptr() == egptr() && underflow() == traits_type::eof()) return {};
    std::string_view rest(gptr(), static_cast<std::size_t>(egptr() - gptr()));
    setg(eback(), egptr(), egptr());
    return rest;
  }

 protected:
  int_type underflow() override;

 private:
  struct Inflater;
  bool fill_raw(std::string& error);  // next raw chunk; false at the end of `raw` (or an error)
  // Inflates into `out` until it is full or the text ends; returns the bytes written. `error`
  // gets why the text ended early.
  std::size_t inflate_into(std::string& out, std::string& error);
  void produce();                 // the inflating thread
  void produce_chunks();          // produce()'s loop; throws on memory exhaustion
  std::size_t next_inflated();    // the reader's side: the next chunk into current_
  void fail(std::string reason);  // ends the stream with `reason`

  std::istream& raw_;
  std::uint64_t max_text_;
  std::unique_ptr<Inflater> inflater_;  // null for plain text; used by the inflating thread
  std::string raw_buf_;
  std::size_t raw_pos_ = 0, raw_len_ = 0;
  bool raw_end_ = false;
  std::uint64_t base_ = 0;  // text bytes before the current get area
  bool gzip_ = false, ended_ = false;
  std::string error_;
  std::string current_;  // the chunk being read (gzip)

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> ready_;   // inflated chunks, in order, under mu_
  std::vector<std::string> spare_;  // chunks read, for reuse, under mu_
  bool produced_all_ = false;       // under mu_
  std::string produce_error_;       // under mu_, valid once produced_all_
  bool stop_ = false;               // under mu_
  std::thread thread_;
};

}  // namespace grappe::reference::internal
