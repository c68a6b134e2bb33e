// grappe/tlog/note.h — Ed25519 keys and C2SP signed notes (https://c2sp.org/signed-note), as
// golang.org/x/mod/sumdb/note reads and writes them, and C2SP tlog-cosignature/v1 lines.
//
// A note is text ending in a newline, a blank line, then signature lines
// "— <key name> <base64(4-byte key id ‖ signature)>". Key id = the first 4 bytes (big-endian)
// of SHA-256(name ‖ "\n" ‖ type ‖ public key), type 0x01 for a note signer, 0x04 for a
// cosigner. A verifier key is "<name>+<8 hex key id>+<base64(type ‖ public key)>"; a private
// key file holds "PRIVATE+KEY+<name>+<8 hex key id>+<base64(type ‖ 32-byte seed)>".
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::tlog {

inline constexpr unsigned char kNoteKey = 0x01;    // Ed25519 note signatures
inline constexpr unsigned char kCosignKey = 0x04;  // Ed25519 cosignature/v1

struct VerifierKey {
  std::string name;
  unsigned char type = kNoteKey;
  std::string public_key;  // 32 raw bytes
  std::uint32_t id = 0;
  std::string text() const;  // "<name>+<hex id>+<base64>"
};

// Parses a verifier key; the error says what is wrong with it.
std::expected<VerifierKey, std::string> parse_verifier_key(std::string_view text);
std::uint32_t key_id(std::string_view name, unsigned char type, std::string_view public_key);
// Whether `name` can name a key: not empty, no "+", no space or control character.
bool valid_key_name(std::string_view name);

class SigningKey {
 public:
  // A fresh key (OpenSSL's random generator).
  static std::expected<SigningKey, std::string> generate(std::string name, unsigned char type);
  // From a private key text (see above); `name` non-empty replaces the file's name.
  static std::expected<SigningKey, std::string> parse(std::string_view text,
                                                      std::string_view name = {});
  // Reads a private key file, refusing one that others may read (mode must deny group/other).
  static std::expected<SigningKey, std::string> load(const std::string& path,
                                                     std::string_view name = {});
  // Creates `path` (mode 0600, refusing to overwrite) holding this key.
  std::expected<void, std::string> save(const std::string& path) const;

  const std::string& name() const { return name_; }
  VerifierKey verifier() const;
  std::string private_text() const;
  // Ed25519 signature (64 bytes) of `message`.
  std::string sign(std::string_view message) const;

 private:
  std::string name_;
  unsigned char type_ = kNoteKey;
  std::string seed_;
  std::string public_key_;
};

// Whether `signature` (64 bytes) is `key`'s Ed25519 signature of `message`.
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);

// "— <name> <base64(id ‖ signature of text)>\n" by a note key.
std::string note_signature_line(const SigningKey& key, std::string_view text);
// text ‖ "\n" ‖ the signature line.
std::string sign_note(const SigningKey& key, std::string_view text);

struct SignatureLine {
  std::string name;
  std::uint32_t id = 0;
  std::string signature;  // after the id
  std::string line;       // as it was, with its newline
};

struct Note {
  std::string text;  // up to and including the last newline before the blank line
  std::vector<SignatureLine> signatures;
};
// Splits a signed note; the error says why it is not one.
std::expected<Note, std::string> parse_note(std::string_view note);
// The note's text when `key` signed it (a line with its name and id, and a valid signature).
std::expected<std::string, std::string> open_note(std::string_view note, const VerifierKey& key);

// C2SP tlog-cosignature/v1: the message a cosigner signs for `body` (the checkpoint's text) at
// `timestamp` (seconds since the epoch), and its signature line.
std::string cosigned_message(std::string_view body, std::uint64_t timestamp);
std::string cosignature_line(const SigningKey& key, std::string_view body, std::uint64_t timestamp);
// Whether `line` is `key`'s valid cosignature of `body`; the error says why not.
std::expected<std::uint64_t, std::string> check_cosignature(std::string_view line,
                                                            std::string_view body,
                                                            const VerifierKey& key);

// Standard base64 with padding.
std::string base64(std::string_view bytes);
std::expected<std::string, std::string> unbase64(std::string_view text);
std::string sha256(std::string_view bytes);

}  // namespace grappe::tlog
