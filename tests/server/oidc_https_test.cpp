// The provider is reached over https only, but on loopback (tests): the issuer option, the
// discovered endpoints, libcurl's protocols.
#include <gtest/gtest.h>

#include "oidc_http.h"
#include "signin.h"

namespace grappe::test {
namespace {

TEST(OidcHttps, TheProviderMustBeHttpsOffLoopback) {
  using server::oidc::allowed_url;
  EXPECT_TRUE(allowed_url("https://proconnect.gouv.fr/api/v2"));
  EXPECT_TRUE(allowed_url("http://127.0.0.1:8080/x"));
  EXPECT_TRUE(allowed_url("http://127.3.4.5"));
  EXPECT_TRUE(allowed_url("http://[::1]:99/token"));
  EXPECT_TRUE(allowed_url("http://LocalHost:1/"));
  EXPECT_FALSE(allowed_url("http://example.org/token"));
  EXPECT_FALSE(allowed_url("http://127.0.0.1.evil.example/"));
  EXPECT_FALSE(allowed_url("http://127.0.0.1@evil.example/"));
  EXPECT_FALSE(allowed_url("ftp://127.0.0.1/"));
  EXPECT_FALSE(allowed_url("https://"));

  auto check = [](const std::string& issuer) {
    server::Options o;
    o.oidc_issuer = issuer;
    o.oidc_client_id = "c";
    o.oidc_client_secret_file = "/dev/null";
    return server::finish_signin_options(o, "8h", "7d").has_value();
  };
  EXPECT_TRUE(check("https://auth.example.fr/"));
  EXPECT_TRUE(check("http://127.0.0.1:5000"));
  EXPECT_FALSE(check("http://auth.example.fr"));
}

// A discovery endpoint the issuer does not serve over https is refused.
TEST(OidcHttps, PlainHttpEndpointsAreNotFetched) {
  auto answer = server::oidc::http_get("http://example.org/.well-known/openid-configuration");
  ASSERT_FALSE(answer.has_value());
  EXPECT_NE(answer.error().find("https"), std::string::npos) << answer.error();
}

}  // namespace
}  // namespace grappe::test
