// The ID token's checks beyond the attacks of oidc_attack_test.cpp: `nbf`, a JWK's `alg`, the
// RSA modulus' size counted in bits (leading zero bytes do not make a key longer).
#include "oidc_jose.h"

#include <gtest/gtest.h>

#include "oidc_http.h"
#include "oidc_support.h"

namespace grappe::test {
namespace {

namespace oidc = server::oidc;

TEST(OidcJose, NotBeforeIsChecked) {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  nlohmann::json claims{{"iss", "https://i"}, {"aud", "c"}, {"sub", "s"},
                        {"exp", t + 300},     {"iat", t},   {"nonce", "n"}};
  oidc::ClaimRules rules{"https://i", "c", "n", now};
  EXPECT_TRUE(oidc::check_claims(claims, rules).has_value());
  claims["nbf"] = t - 10;
  EXPECT_TRUE(oidc::check_claims(claims, rules).has_value());
  claims["nbf"] = t + 600;
  EXPECT_FALSE(oidc::check_claims(claims, rules).has_value());
}

TEST(OidcJose, KeysForAnotherAlgorithmOrTooShortAreSkipped) {
  NodeIssuer issuer("fake_issuer.mjs");
  issuer.start({"grappe-test", "fake-secret"});
  auto answer = oidc::http_get(issuer.url() + "/jwks");
  ASSERT_TRUE(answer.has_value());
  auto jwks = nlohmann::json::parse(answer->body);
  ASSERT_EQ(oidc::parse_jwks(jwks)->size(), 2u);  // RS256 "a", ES256 "e1"
  auto other = jwks;
  other["keys"][0]["alg"] = "PS256";
  EXPECT_EQ(oidc::parse_jwks(other)->size(), 1u);
  auto shorter = jwks;
  ASSERT_EQ(shorter["keys"][0]["kty"], "RSA");
  auto n = *oidc::base64url_decode(shorter["keys"][0]["n"].get<std::string>());
  // 256 bytes, but a 1016-bit modulus.
  shorter["keys"][0]["n"] = oidc::base64url_encode(std::string(129, '\0') + n.substr(0, 127));
  EXPECT_EQ(oidc::parse_jwks(shorter)->size(), 1u);
}

}  // namespace
}  // namespace grappe::test
