#include "grappe/tlog/note.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace grappe::tlog {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";  // "— "
constexpr std::string_view kPrivate = "PRIVATE+KEY+";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string hex8(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string be32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  return s;
}

std::uint32_t get_be32(std::string_view s) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

// "<name>+<hex id>+<base64>": names contain no "+", base64 may.
bool split_key(std::string_view text, std::string_view& name, std::string_view& id,
               std::string_view& material) {
  auto first = text.find('+');
  if (first == std::string_view::npos) return false;
  auto second = text.find('+', first + 1);
  if (second == std::string_view::npos) return false;
  name = text.substr(0, first);
  id = text.substr(first + 1, second - first - 1);
  material = text.substr(second + 1);
  return true;
}

std::expected<std::uint32_t, std::string> parse_hex8(std::string_view id) {
  if (id.size() != 8) return std::unexpected("key id is not 8 hex digits");
  std::uint32_t v = 0;
  for (char c : id) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return std::unexpected("key id is not lowercase hex");
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  return v;
}

}  // namespace

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in),
                          static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::expected<std::string, std::string> unbase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::unexpected("base64 length is not a multiple of 4");
  std::size_t pad = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/';
    if (c == '=' && i + 2 >= in.size()) {
      ++pad;
    } else if (!alpha || pad > 0) {
      return std::unexpected("not base64");
    }
  }
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in),
                          static_cast<int>(in.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) return std::unexpected("not base64");
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string sha256(std::string_view in) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(in.data(), in.size(), out, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), n);
}

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c == '+' || c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::uint32_t key_id(std::string_view name, unsigned char type, std::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(type));
  input.append(public_key);
  return get_be32(sha256(input));
}

std::string VerifierKey::text() const {
  std::string material(1, static_cast<char>(type));
  material += public_key;
  return name + "+" + hex8(id) + "+" + base64(material);
}

std::expected<VerifierKey, std::string> parse_verifier_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::string_view name, id, material;
  if (!split_key(text, name, id, material)) {
    return std::unexpected("a verifier key reads <name>+<key id>+<base64 key>");
  }
  if (!valid_key_name(name)) return std::unexpected("bad key name");
  auto hex = parse_hex8(id);
  if (!hex) return std::unexpected(hex.error());
  auto raw = unbase64(material);
  if (!raw) return std::unexpected("key material: " + raw.error());
  if (raw->size() != 33 || ((*raw)[0] != kNoteKey && (*raw)[0] != kCosignKey)) {
    return std::unexpected("not an Ed25519 key (type 0x01 or 0x04, 32 bytes)");
  }
  VerifierKey k{std::string(name), static_cast<unsigned char>((*raw)[0]), raw->substr(1), *hex};
  if (key_id(k.name, k.type, k.public_key) != k.id) {
    return std::unexpected("key id does not match the name and key");
  }
  return k;
}

std::expected<SigningKey, std::string> SigningKey::generate(std::string name, unsigned char type) {
  if (!valid_key_name(name)) return std::unexpected("bad key name: " + name);
  std::string seed(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), 32) != 1) {
    return std::unexpected("no randomness for a key");
  }
  std::string text(kPrivate);
  text += name + "+00000000+" + base64(std::string(1, static_cast<char>(type)) + seed);
  return parse(text);
}

std::expected<SigningKey, std::string> SigningKey::parse(std::string_view text,
                                                         std::string_view name) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.starts_with(kPrivate)) return std::unexpected("not a PRIVATE+KEY+… key");
  std::string_view file_name, id, material;
  if (!split_key(text.substr(kPrivate.size()), file_name, id, material)) {
    return std::unexpected("a private key reads PRIVATE+KEY+<name>+<key id>+<base64 key>");
  }
  auto raw = unbase64(material);
  if (!raw || raw->size() != 33 || ((*raw)[0] != kNoteKey && (*raw)[0] != kCosignKey)) {
    return std::unexpected("not an Ed25519 private key (type 0x01 or 0x04, 32 bytes)");
  }
  SigningKey key;
  key.name_ = std::string(name.empty() ? file_name : name);
  if (!valid_key_name(key.name_)) return std::unexpected("bad key name: " + key.name_);
  key.type_ = static_cast<unsigned char>((*raw)[0]);
  key.seed_ = raw->substr(1);
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(key.seed_), 32));
  std::size_t len = 32;
  key.public_key_.assign(32, '\0');
  if (!pkey ||
      EVP_PKEY_get_raw_public_key(
          pkey.get(), reinterpret_cast<unsigned char*>(key.public_key_.data()), &len) != 1) {
    return std::unexpected("OpenSSL refused the Ed25519 key");
  }
  return key;
}

std::expected<SigningKey, std::string> SigningKey::load(const std::string& path,
                                                        std::string_view name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::unexpected("cannot read " + path);
  if ((st.st_mode & 077) != 0) {
    return std::unexpected(path + " is readable by others: chmod 600 it");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return std::unexpected("cannot read " + path);
  auto key = parse(text.str(), name);
  if (!key) return std::unexpected(path + ": " + key.error());
  return key;
}

std::expected<void, std::string> SigningKey::save(const std::string& path) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected("cannot create " + path);
  const std::string text = private_text() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return std::unexpected("cannot write " + path);
  return {};
}

VerifierKey SigningKey::verifier() const {
  return VerifierKey{name_, type_, public_key_, key_id(name_, type_, public_key_)};
}

std::string SigningKey::private_text() const {
  return std::string(kPrivate) + name_ + "+" + hex8(verifier().id) + "+" +
         base64(std::string(1, static_cast<char>(type_)) + seed_);
}

std::string SigningKey::sign(std::string_view message) const {
  Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed_), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (!pkey || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(message),
                     message.size()) != 1 ||
      len != 64) {
    return {};
  }
  return sig;
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  return pkey && ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes(signature), 64, bytes(message), message.size()) == 1;
}

std::string note_signature_line(const SigningKey& key, std::string_view text) {
  return std::string(kDash) + key.name() + " " + base64(be32(key.verifier().id) + key.sign(text)) +
         "\n";
}

std::string sign_note(const SigningKey& key, std::string_view text) {
  return std::string(text) + "\n" + note_signature_line(key, text);
}

std::expected<Note, std::string> parse_note(std::string_view note) {
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return std::unexpected("no blank line before signatures");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return std::unexpected("no signature");
  while (!rest.empty()) {
    auto end = rest.find('\n');
    if (end == std::string_view::npos) return std::unexpected("signature line without newline");
    std::string_view line = rest.substr(0, end);
    if (!line.starts_with(kDash)) return std::unexpected("signature line without \"— \"");
    std::string_view body = line.substr(kDash.size());
    auto space = body.find(' ');
    if (space == std::string_view::npos) return std::unexpected("signature line without key");
    auto raw = unbase64(body.substr(space + 1));
    if (!raw || raw->size() < 5) return std::unexpected("signature is not base64");
    out.signatures.push_back(SignatureLine{std::string(body.substr(0, space)), get_be32(*raw),
                                           raw->substr(4), std::string(rest.substr(0, end + 1))});
    rest.remove_prefix(end + 1);
  }
  return out;
}

std::expected<std::string, std::string> open_note(std::string_view note, const VerifierKey& key) {
  auto parsed = parse_note(note);
  if (!parsed) return std::unexpected(parsed.error());
  for (const auto& s : parsed->signatures) {
    if (s.name != key.name || s.id != key.id) continue;
    if (!ed25519_verify(key.public_key, parsed->text, s.signature)) {
      return std::unexpected("the signature of " + key.name + " is not valid for this text");
    }
    return parsed->text;
  }
  return std::unexpected("not signed by " + key.name + " (key id " + hex8(key.id) + ")");
}

std::string cosigned_message(std::string_view body, std::uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(body);
}

std::string cosignature_line(const SigningKey& key, std::string_view body,
                             std::uint64_t timestamp) {
  std::string ts(8, '\0');
  for (int i = 0; i < 8; ++i) ts[i] = static_cast<char>((timestamp >> (56 - 8 * i)) & 0xff);
  return std::string(kDash) + key.name() + " " +
         base64(be32(key.verifier().id) + ts + key.sign(cosigned_message(body, timestamp))) + "\n";
}

std::expected<std::uint64_t, std::string> check_cosignature(std::string_view line,
                                                            std::string_view body,
                                                            const VerifierKey& key) {
  if (key.type != kCosignKey) return std::unexpected("not a cosigner key");
  std::string note = std::string(body) + "\n" + std::string(line);
  if (!line.ends_with('\n')) note.push_back('\n');
  auto parsed = parse_note(note);
  if (!parsed || parsed->signatures.size() != 1) return std::unexpected("not one signature line");
  const auto& s = parsed->signatures[0];
  if (s.name != key.name || s.id != key.id) return std::unexpected("not this witness's key");
  if (s.signature.size() != 8 + 64) return std::unexpected("not a cosignature/v1");
  std::uint64_t ts = 0;
  for (int i = 0; i < 8; ++i) ts = (ts << 8) | static_cast<unsigned char>(s.signature[i]);
  if (!ed25519_verify(key.public_key, cosigned_message(body, ts), s.signature.substr(8))) {
    return std::unexpected("cosignature does not verify");
  }
  return ts;
}

}  // namespace grappe::tlog
