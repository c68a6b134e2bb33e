// OpenSSL 3 alone: a JWK becomes an EVP_PKEY through EVP_PKEY_fromdata (n/e for RSA, the
// uncompressed point for P-256), and an ES256 signature's raw r||s becomes the DER that
// EVP_DigestVerify expects. libcjose would import the JWK for us but brings jansson and its own
// error handling for about forty lines saved; libjwt hides the key selection we need (kid, alg).
#include "oidc_jose.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

namespace grappe::server::oidc {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

std::optional<std::string> b64_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return base64url_decode(it->get<std::string>());
}

Bn to_bn(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsa_key(const nlohmann::json& jwk) {
  auto n = b64_field(jwk, "n");
  auto e = b64_field(jwk, "e");
  if (!n || !e || n->size() < 256 || e->empty() || e->size() > 8) return nullptr;
  Bn bn_n = to_bn(*n), bn_e = to_bn(*e);
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || BN_num_bits(bn_n.get()) < 2048 ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return nullptr;
  return from_params("RSA", bld.get());
}

std::shared_ptr<EVP_PKEY> ec_key(const nlohmann::json& jwk) {
  if (jwk.value("crv", "") != "P-256") return nullptr;
  auto x = b64_field(jwk, "x");
  auto y = b64_field(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) return nullptr;
  std::string point = "\x04" + *x + *y;
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()))
    return nullptr;
  return from_params("EC", bld.get());
}

// An ES256 signature (r||s, 32 bytes each) as DER; empty when not 64 bytes.
std::string es256_der(const std::string& raw) {
  if (raw.size() != 64) return {};
  EcSig sig(ECDSA_SIG_new());
  Bn r = to_bn(raw.substr(0, 32)), s = to_bn(raw.substr(32));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
  r.release();
  s.release();
  int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return {};
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

// `text` cut to `max` characters, anything but printable ASCII as '?' (it goes into logs).
std::string printable(std::string_view text, std::size_t max) {
  std::string out(text.substr(0, max));
  for (auto& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned n = byte(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    unsigned n = (byte(i) << 16) | (byte(i + 1) << 8);
    for (int shift : {18, 12, 6}) out += kAlphabet[(n >> shift) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = value_of(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::expected<std::vector<Jwk>, std::string> parse_jwks(const nlohmann::json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array())
    return std::unexpected("the JWKS has no \"keys\" array");
  std::vector<Jwk> keys;
  for (const auto& jwk : jwks["keys"]) {
    if (!jwk.is_object() || jwk.value("use", "sig") != "sig") continue;
    Jwk k{jwk.value("kid", ""), jwk.value("kty", ""), nullptr};
    // A key meant for another algorithm than the one its type verifies here is skipped.
    if (jwk.contains("alg") && jwk["alg"] != (k.kty == "RSA" ? "RS256" : "ES256")) continue;
    if (k.kty == "RSA") k.key = rsa_key(jwk);
    if (k.kty == "EC") k.key = ec_key(jwk);
    if (k.key) keys.push_back(std::move(k));
  }
  return keys;
}

std::expected<Jws, std::string> parse_jws(std::string_view token) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::unexpected("not a compact JWS (three parts)");
  auto header = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return std::unexpected("a part is not base64url");
  Jws jws;
  jws.header = nlohmann::json::parse(*header, nullptr, false);
  jws.payload = nlohmann::json::parse(*payload, nullptr, false);
  if (!jws.header.is_object() || !jws.payload.is_object())
    return std::unexpected("header or payload is not a JSON object");
  jws.signing_input = std::string(token.substr(0, second));
  jws.signature = std::move(*signature);
  return jws;
}

SignatureCheck verify_signature(const Jws& jws, const std::vector<Jwk>& keys, std::string& why) {
  auto alg = jws.header.value("alg", "");
  std::string kty = alg == "RS256" ? "RSA" : alg == "ES256" ? "EC" : "";
  if (kty.empty()) {
    why = "algorithm \"" + printable(alg, 16) + "\" is not accepted (RS256 or ES256 only)";
    return SignatureCheck::kInvalid;
  }
  auto kid = jws.header.value("kid", "");
  const Jwk* key = nullptr;
  int candidates = 0;
  for (const auto& k : keys) {
    if (k.kty != kty) continue;
    if (!kid.empty() && k.kid == kid) key = &k;
    if (kid.empty() && ++candidates == 1) key = &k;
  }
  if (kid.empty() && candidates > 1) key = nullptr;
  if (!key) {
    why = "no " + alg + " key with kid \"" + printable(kid, 64) + "\" in the JWKS";
    return SignatureCheck::kUnknownKid;
  }
  std::string signature = alg == "ES256" ? es256_der(jws.signature) : jws.signature;
  MdCtx md(EVP_MD_CTX_new());
  bool ok = !signature.empty() && md &&
            EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key->key.get()) == 1 &&
            EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(jws.signing_input.data()),
                             jws.signing_input.size()) == 1;
  if (!ok) why = "bad " + alg + " signature";
  return ok ? SignatureCheck::kValid : SignatureCheck::kInvalid;
}

std::expected<void, std::string> check_claims(const nlohmann::json& claims,
                                              const ClaimRules& rules) {
  using std::chrono::seconds;
  if (claims.value("iss", "") != rules.issuer) return std::unexpected("iss is not the issuer");
  const auto& aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
  bool ours = false;
  if (aud.is_string()) ours = aud == rules.client_id;
  if (aud.is_array()) {
    for (const auto& a : aud) ours = ours || a == rules.client_id;
    if (aud.size() > 1 && claims.value("azp", "") != rules.client_id)
      return std::unexpected("several audiences and azp is not our client id");
  }
  if (!ours) return std::unexpected("aud does not name our client id");
  if (claims.contains("azp") && claims["azp"] != rules.client_id)
    return std::unexpected("azp is not our client id");
  auto now = std::chrono::duration_cast<seconds>(rules.now.time_since_epoch()).count();
  auto skew = rules.skew.count();
  if (!claims.contains("exp") || !claims["exp"].is_number())
    return std::unexpected("exp is missing");
  if (claims["exp"].get<double>() + static_cast<double>(skew) < static_cast<double>(now))
    return std::unexpected("the ID token has expired");
  if (!claims.contains("iat") || !claims["iat"].is_number())
    return std::unexpected("iat is missing");
  if (claims["iat"].get<double>() > static_cast<double>(now + skew))
    return std::unexpected("iat is in the future");
  if (auto nbf = claims.find("nbf");
      nbf != claims.end() &&
      (!nbf->is_number() || nbf->get<double>() > static_cast<double>(now + skew)))
    return std::unexpected("the ID token is not valid yet (nbf)");
  if (rules.nonce.empty() || claims.value("nonce", "") != rules.nonce)
    return std::unexpected("nonce does not match the sign-in's");
  if (!claims.contains("sub") || !claims["sub"].is_string())
    return std::unexpected("sub is missing");
  return {};
}

std::string pkce_challenge(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return base64url_encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return base64url_encode(raw);
}

}  // namespace grappe::server::oidc
