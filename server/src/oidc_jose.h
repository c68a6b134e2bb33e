// The JOSE part of OpenID Connect that a relying party needs: base64url, a JSON Web Key Set
// (RSA and P-256 keys) turned into OpenSSL keys, a compact JWS split and its signature checked
// (RS256 and ES256 only: `none`, HS* and every other algorithm are refused), and the ID token's
// claims checked. Pure functions of their inputs (no I/O); thread-safe.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::server::oidc {

// RFC 4648 §5 without padding; decode accepts no padding, no other alphabet: nullopt.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// One verification key of a JWKS.
struct Jwk {
  std::string kid;
  std::string kty;  // "RSA" or "EC"
  std::shared_ptr<EVP_PKEY> key;
};

// The keys of a JWKS document (`{"keys":[…]}`): RSA keys of 2048 bits or more and EC P-256 keys
// meant for signatures (an `alg`, when present, RS256 or ES256 to match); other keys are skipped.
// An error when the document is not a JWKS.
std::expected<std::vector<Jwk>, std::string> parse_jwks(const nlohmann::json& jwks);

// A compact JWS split in its parts.
struct Jws {
  nlohmann::json header, payload;
  std::string signing_input;  // base64url(header) "." base64url(payload)
  std::string signature;      // raw bytes
};
std::expected<Jws, std::string> parse_jws(std::string_view token);

enum class SignatureCheck { kValid, kUnknownKid, kInvalid };
// Checks `jws` against `keys`: `alg` must be RS256 or ES256 and match the key's type; the key is
// the one named by `kid` (or the only key of that type when the token names none).
// kUnknownKid: no such key (the caller may fetch the JWKS again). `why` says what failed.
SignatureCheck verify_signature(const Jws& jws, const std::vector<Jwk>& keys, std::string& why);

// What the ID token's claims must say.
struct ClaimRules {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  std::chrono::system_clock::time_point now;
  std::chrono::seconds skew{60};
};
// `iss`, `aud` (and `azp` when several audiences), `exp`, `iat`, `nbf` when present, `nonce`;
// the error says which.
std::expected<void, std::string> check_claims(const nlohmann::json& claims,
                                              const ClaimRules& rules);

// S256 PKCE challenge of `verifier`: base64url(SHA-256(verifier)).
std::string pkce_challenge(std::string_view verifier);
// `bytes` random bytes as base64url (state, nonce, verifier, session ids).
std::string random_token(std::size_t bytes = 32);

}  // namespace grappe::server::oidc
