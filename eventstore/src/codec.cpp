#include "codec.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace grappe::es::detail {
namespace {

constexpr unsigned char kRecordFormat = 1;
constexpr unsigned char kResultFormat = 1;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return true;
  }
  return false;
}

void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

bool get_str(std::string_view& in, std::string& s) {
  std::uint64_t n = 0;
  if (!get_varint(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

bool get_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8) return false;
  v = get_be64(in);
  in.remove_prefix(8);
  return true;
}

struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::string be64(std::uint64_t v) {
  std::string s;
  s.reserve(8);
  put_be64(s, v);
  return s;
}

std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string k;
  k.reserve(stream.size() + 9);
  k.append(stream);
  k.push_back('\0');
  put_be64(k, version);
  return k;
}

void encode_canonical(const Record& r, std::string& out) {
  out.push_back(static_cast<char>(kRecordFormat));
  put_be64(out, r.position);
  put_be64(out, r.version);
  put_be64(out, static_cast<std::uint64_t>(r.timestamp.time_since_epoch().count()));
  for (std::string_view s :
       {std::string_view(r.stream), std::string_view(r.id), std::string_view(r.type),
        std::string_view(r.data), std::string_view(r.actor.id), std::string_view(r.actor.name),
        std::string_view(r.command_id)}) {
    put_str(out, s);
  }
}

bool split_value(std::string_view value, std::string_view& canonical, std::string_view& hash) {
  if (value.size() < kHashSize + 1) return false;
  canonical = value.substr(0, value.size() - kHashSize);
  hash = value.substr(value.size() - kHashSize);
  return true;
}

bool decode_record(std::string_view value, Record& r) {
  std::string_view in, hash;
  if (!split_value(value, in, hash)) return false;
  if (static_cast<unsigned char>(in.front()) != kRecordFormat) return false;
  in.remove_prefix(1);
  std::uint64_t ts = 0;
  if (!get_u64(in, r.position) || !get_u64(in, r.version) || !get_u64(in, ts)) return false;
  r.timestamp = std::chrono::sys_time<std::chrono::milliseconds>(
      std::chrono::milliseconds(static_cast<std::int64_t>(ts)));
  for (std::string* s :
       {&r.stream, &r.id, &r.type, &r.data, &r.actor.id, &r.actor.name, &r.command_id}) {
    if (!get_str(in, *s)) return false;
  }
  if (!in.empty()) return false;
  r.hash = to_hex(hash);
  return true;
}

std::optional<std::string_view> peek_type(std::string_view value) {
  std::string_view in, hash;
  if (!split_value(value, in, hash) || static_cast<unsigned char>(in.front()) != kRecordFormat ||
      in.size() < 25)
    return std::nullopt;
  in.remove_prefix(25);                            // format, position, version, timestamp
  for (int skipped = 0; skipped < 2; ++skipped) {  // stream, id
    std::uint64_t n = 0;
    if (!get_varint(in, n) || n > in.size()) return std::nullopt;
    in.remove_prefix(n);
  }
  std::uint64_t n = 0;
  if (!get_varint(in, n) || n > in.size()) return std::nullopt;
  return in.substr(0, n);
}

void chain_hash(std::string_view prev, std::string_view canonical, unsigned char* out) {
  // Fetched once: the implicit fetch of EVP_sha256() costs more than hashing a record.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned int n = 0;
  if (!ctx || !sha256 || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), prev.data(), prev.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), canonical.data(), canonical.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &n) != 1 || n != kHashSize) {
    throw std::logic_error("SHA-256 failed");
  }
}

std::string to_hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    s.push_back(kDigits[c >> 4]);
    s.push_back(kDigits[c & 0xf]);
  }
  return s;
}

std::string encode_result(const AppendResult& r) {
  std::string out;
  out.push_back(static_cast<char>(kResultFormat));
  put_varint(out, r.first_position);
  put_varint(out, r.last_position);
  put_varint(out, r.streams.size());
  for (const auto& s : r.streams) {
    put_str(out, s.stream);
    put_varint(out, s.version);
  }
  put_str(out, r.outcome);
  return out;
}

std::optional<AppendResult> decode_result(std::string_view in) {
  AppendResult r;
  std::uint64_t n = 0;
  if (in.empty() || static_cast<unsigned char>(in.front()) != kResultFormat) return std::nullopt;
  in.remove_prefix(1);
  if (!get_varint(in, r.first_position) || !get_varint(in, r.last_position) || !get_varint(in, n) ||
      n > in.size()) {
    return std::nullopt;
  }
  r.streams.resize(n);
  for (auto& s : r.streams) {
    if (!get_str(in, s.stream) || !get_varint(in, s.version)) return std::nullopt;
  }
  if (!get_str(in, r.outcome) || !in.empty()) return std::nullopt;
  return r;
}

}  // namespace grappe::es::detail
