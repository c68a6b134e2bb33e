#include "text_stream.h"

#include <zlib.h>

#include <new>

namespace grappe::reference::internal {
namespace {

constexpr std::size_t kRawChunk = std::size_t{1} << 16;
constexpr std::size_t kTextChunk = std::size_t{1} << 18;
constexpr std::size_t kQueuedChunks = 4;

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
    : raw_(raw), max_text_(max_text), raw_buf_(kRawChunk, '\0') {
  setg(raw_buf_.data(), raw_buf_.data(), raw_buf_.data());
  std::string error;
  fill_raw(error);
  if (!error.empty()) {
    fail(std::move(error));
    return;
  }
  gzip_ = raw_len_ >= 2 && static_cast<unsigned char>(raw_buf_[0]) == 0x1f &&
          static_cast<unsigned char>(raw_buf_[1]) == 0x8b;
  if (!gzip_) return;
  inflater_ = std::make_unique<Inflater>();
  inflater_->z.next_in = bytes(raw_buf_.data());
  inflater_->z.avail_in = static_cast<uInt>(raw_len_);
  raw_pos_ = raw_len_;
  thread_ = std::thread([this] { produce(); });
}

TextStreamBuf::~TextStreamBuf() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool TextStreamBuf::fill_raw(std::string& error) {
  if (raw_end_) return false;
  raw_.read(raw_buf_.data(), static_cast<std::streamsize>(raw_buf_.size()));
  raw_len_ = static_cast<std::size_t>(raw_.gcount());
  raw_pos_ = 0;
  if (raw_.bad()) {
    raw_end_ = true;
    error = "lecture du fichier interrompue";
    return false;
  }
  if (raw_len_ < raw_buf_.size()) raw_end_ = true;
  return raw_len_ > 0;
}

void TextStreamBuf::fail(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
  ended_ = true;
}

std::size_t TextStreamBuf::inflate_into(std::string& out, std::string& error) {
  z_stream& z = inflater_->z;
  z.next_out = bytes(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  while (z.avail_out > 0) {
    if (z.avail_in == 0) {
      if (!fill_raw(error)) {
        if (error.empty() && !inflater_->member_end)
          error = "archive gzip tronquée (fin du fichier inattendue)";
        break;
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
      error = std::string("archive gzip corrompue (") + (z.msg ? z.msg : "zlib") + ")";
      break;
    }
  }
  return out.size() - z.avail_out;
}

void TextStreamBuf::produce() {
  try {
    produce_chunks();
  } catch (const std::exception& e) {  // memory: the reader sees the text end with why
    std::lock_guard lock(mu_);
    produced_all_ = true;
    produce_error_ = std::string("décompression interrompue (") + e.what() + ")";
    cv_.notify_all();
  }
}

void TextStreamBuf::produce_chunks() {
  for (;;) {
    std::string chunk;
    {
      std::lock_guard lock(mu_);
      if (!spare_.empty()) {
        chunk = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    chunk.resize(kTextChunk);
    std::string error;
    const std::size_t n = inflate_into(chunk, error);
    const bool last = n < kTextChunk || !error.empty();  // the text ended, or an error did
    chunk.resize(n);
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_ || ready_.size() < kQueuedChunks; });
    if (stop_) return;
    if (n > 0) ready_.push_back(std::move(chunk));
    if (last) {
      produced_all_ = true;
      produce_error_ = std::move(error);
    }
    cv_.notify_all();
    if (last) return;
  }
}

std::size_t TextStreamBuf::next_inflated() {
  std::unique_lock lock(mu_);
  if (!current_.empty()) spare_.push_back(std::move(current_));
  current_.clear();
  cv_.wait(lock, [&] { return !ready_.empty() || produced_all_; });
  if (ready_.empty()) {
    if (!produce_error_.empty()) fail(produce_error_);
    return 0;
  }
  current_ = std::move(ready_.front());
  ready_.pop_front();
  cv_.notify_all();
  return current_.size();
}

TextStreamBuf::int_type TextStreamBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  base_ += static_cast<std::uint64_t>(egptr() - eback());
  setg(raw_buf_.data(), raw_buf_.data(), raw_buf_.data());
  if (ended_) return traits_type::eof();
  char* begin = nullptr;
  std::size_t n = 0;
  if (gzip_) {
    n = next_inflated();
    begin = current_.data();
  } else {
    std::string error;
    if (raw_pos_ < raw_len_ || fill_raw(error)) {
      begin = raw_buf_.data() + raw_pos_;
      n = raw_len_ - raw_pos_;
      raw_pos_ = raw_len_;
    }
    if (!error.empty()) fail(std::move(error));
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
