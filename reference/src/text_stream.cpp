#include "text_stream.h"

#include <zlib.h>

#include <new>

namespace grappe::reference::internal {
namespace {

constexpr std::size_t kChunk = std::size_t{1} << 16;

Bytef* bytes(char* p) {
  return reinterpret_cast<Bytef*>(p);
}

}  // namespace

struct TextStreamBuf::Inflater {
  z_stream z{};
  bool member_end = false;  // the last gzip member is complete; more bytes start another
  Inflater() {
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::bad_alloc();  // 16: gzip wrapper only
  }
  ~Inflater() { inflateEnd(&z); }
};

TextStreamBuf::TextStreamBuf(std::istream& raw, std::uint64_t max_text)
    : raw_(raw), max_text_(max_text), raw_buf_(kChunk, '\0'), text_buf_(kChunk, '\0') {
  setg(text_buf_.data(), text_buf_.data(), text_buf_.data());
  fill_raw();
  gzip_ = raw_len_ >= 2 && static_cast<unsigned char>(raw_buf_[0]) == 0x1f &&
          static_cast<unsigned char>(raw_buf_[1]) == 0x8b;
  if (!gzip_) return;
  inflater_ = std::make_unique<Inflater>();
  inflater_->z.next_in = bytes(raw_buf_.data());
  inflater_->z.avail_in = static_cast<uInt>(raw_len_);
  raw_pos_ = raw_len_;
}

TextStreamBuf::~TextStreamBuf() = default;

bool TextStreamBuf::fill_raw() {
  if (raw_end_) return false;
  raw_.read(raw_buf_.data(), static_cast<std::streamsize>(raw_buf_.size()));
  raw_len_ = static_cast<std::size_t>(raw_.gcount());
  raw_pos_ = 0;
  if (raw_.bad()) {
    raw_end_ = true;
    fail("lecture du fichier interrompue");
    return false;
  }
  if (raw_len_ < raw_buf_.size()) raw_end_ = true;
  return raw_len_ > 0;
}

void TextStreamBuf::fail(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
  ended_ = true;
}

std::size_t TextStreamBuf::inflate_some() {
  z_stream& z = inflater_->z;
  z.next_out = bytes(text_buf_.data());
  z.avail_out = static_cast<uInt>(text_buf_.size());
  while (z.avail_out == text_buf_.size()) {  // until some text comes out
    if (z.avail_in == 0) {
      if (!fill_raw()) {
        if (!inflater_->member_end) fail("archive gzip tronquée (fin du fichier inattendue)");
        return 0;
      }
      z.next_in = bytes(raw_buf_.data());
      z.avail_in = static_cast<uInt>(raw_len_);
      raw_pos_ = raw_len_;
    }
    if (inflater_->member_end) {  // bytes after a complete member: the next member
      inflateReset(&z);
      inflater_->member_end = false;
    }
    const int rc = ::inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      inflater_->member_end = true;
    } else if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      continue;  // needs more input
    } else if (rc != Z_OK) {
      fail(std::string("archive gzip corrompue (") + (z.msg ? z.msg : "zlib") + ")");
      return 0;
    }
  }
  return text_buf_.size() - z.avail_out;
}

TextStreamBuf::int_type TextStreamBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  base_ += static_cast<std::uint64_t>(egptr() - eback());
  setg(text_buf_.data(), text_buf_.data(), text_buf_.data());
  if (ended_) return traits_type::eof();
  char* begin = text_buf_.data();
  std::size_t n = 0;
  if (gzip_) {
    n = inflate_some();
  } else if (raw_pos_ < raw_len_ || fill_raw()) {
    begin = raw_buf_.data() + raw_pos_;
    n = raw_len_ - raw_pos_;
    raw_pos_ = raw_len_;
  }
  if (n == 0) {
    ended_ = true;
    return traits_type::eof();
  }
  if (base_ + n > max_text_) {
    fail("texte de plus de " + std::to_string(max_text_ >> 20) + " Mio");
    return traits_type::eof();
  }
  setg(begin, begin, begin + n);
  return traits_type::to_int_type(*gptr());
}

}  // namespace grappe::reference::internal
