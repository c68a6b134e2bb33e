// ID tokens a real provider would never send, minted by a test-controlled issuer
// (tests/server/oidc/fake_issuer.mjs): each must end the sign-in on the error page with no
// session; the good ones (RS256, ES256, a rotated key, an e-mail only from userinfo) must not.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "oidc_support.h"
#include "support.h"

namespace grappe::test {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;

constexpr const char* kRefused = "/#/connexion?erreur=jeton";

class OidcAttack : public ::testing::Test {
 protected:
  OidcAttack() : secrets_("oidc"), issuer_("fake_issuer.mjs") {
    std::ofstream(secrets_.path / "secret") << "fake-secret\n";
    issuer_.start({"grappe-test", "fake-secret"});
    server_.emplace(std::vector<std::string>{"--oidc-issuer", issuer_.url(), "--oidc-client-id",
                                             "grappe-test", "--oidc-client-secret-file",
                                             (secrets_.path / "secret").string()});
    json body{{"name", "Marie Curie"},
              {"role", "auditor"},
              {"email", "Marie.Curie@Example.fr"}};  // matched case-insensitively
    auto a = http(port(), verb::put, "/api/admin/users/marie", token("admin"), body.dump());
    EXPECT_EQ(a.status, 201) << a.text;
  }
  unsigned short port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // Signs in with the issuer minting `mode`; the callback's Location, and whether a session
  // cookie came with it.
  std::pair<std::string, bool> sign_in(const std::string& mode) {
    issuer_.control("/_mode", {{"mode", mode}});
    Browser browser;
    auto where = browser.sign_in(url());
    return {where, !browser.cookie("grappe_session").empty()};
  }
  TempDir secrets_;
  NodeIssuer issuer_;
  std::optional<Server> server_;
};

TEST_F(OidcAttack, GoodTokensSignIn) {
  EXPECT_EQ(sign_in("ok"), std::make_pair(std::string("/"), true));
  EXPECT_EQ(sign_in("es256"), std::make_pair(std::string("/"), true));
  EXPECT_EQ(sign_in("no-email"), std::make_pair(std::string("/"), true));  // from userinfo
}

TEST_F(OidcAttack, BadTokensAreRefused) {
  for (const char* mode : {"wrong-sig", "wrong-aud", "several-aud", "wrong-iss", "expired",
                           "future-iat", "wrong-nonce", "alg-none", "hs256", "unknown-kid"}) {
    EXPECT_EQ(sign_in(mode), std::make_pair(std::string(kRefused), false)) << mode;
  }
  EXPECT_EQ(sign_in("ok").first, "/");  // and the server still signs people in
}

// H1: an address the provider does not vouch for must not take over the user holding it.
TEST_F(OidcAttack, AnUnverifiedAddressIsRefused) {
  EXPECT_EQ(sign_in("email-unverified"), std::make_pair(std::string(kRefused), false));
  EXPECT_EQ(sign_in("unverified-userinfo"), std::make_pair(std::string(kRefused), false));
  EXPECT_EQ(sign_in("email-verified"), std::make_pair(std::string("/"), true));
}

// H1: the address is bound to the subject of its first session; another subject is refused.
TEST_F(OidcAttack, AnotherSubjectForTheSameAddressIsRefused) {
  ASSERT_EQ(sign_in("ok").first, "/");
  issuer_.control("/_mode", {{"mode", "ok"}, {"sub", "sub-fake-2"}});
  Browser browser;
  EXPECT_EQ(browser.sign_in(url()), kRefused);
  EXPECT_TRUE(browser.cookie("grappe_session").empty());
  issuer_.control("/_mode", {{"mode", "ok"}, {"sub", "sub-fake-2"}, {"email", "x@example.fr"}});
  EXPECT_EQ(Browser().sign_in(url()), "/#/acces");  // another address: its own subject
  issuer_.control("/_mode", {{"mode", "ok"}, {"email", "marie.curie@example.fr"}});
  EXPECT_EQ(Browser().sign_in(url()), "/");  // sub-fake-1 for Marie again
}

// A sign-in in a browser that has a session ends that session.
TEST_F(OidcAttack, SigningInAgainEndsTheBrowsersPreviousSession) {
  issuer_.control("/_mode", {{"mode", "ok"}});
  Browser browser;
  ASSERT_EQ(browser.sign_in(url()), "/");
  auto first = browser.cookie("grappe_session");
  ASSERT_EQ(browser.sign_in(url()), "/");
  auto second = browser.cookie("grappe_session");
  EXPECT_NE(first, second);
  EXPECT_EQ(http(port(), verb::get, "/api/me", "", "", with_cookie(first)).status, 401);
  EXPECT_EQ(http(port(), verb::get, "/api/me", "", "", with_cookie(second)).status, 200);
}

TEST_F(OidcAttack, ARotatedKeyIsFetchedAgain) {
  ASSERT_EQ(sign_in("ok").first, "/");  // the JWKS is cached now
  std::this_thread::sleep_for(5200ms);  // the JWKS is fetched again at most every 5 s
  EXPECT_EQ(sign_in("rotate"), std::make_pair(std::string("/"), true));
  EXPECT_EQ(sign_in("rotate").first, "/");
}

TEST_F(OidcAttack, AReplayedStateOrAForeignBrowserFails) {
  issuer_.control("/_mode", {{"mode", "ok"}});
  Browser browser;
  ASSERT_EQ(browser.sign_in(url()), "/");
  auto callback = browser.last_callback();
  auto again = browser.get(callback);
  EXPECT_EQ(again.location, kRefused);

  // The callback in a browser that did not start the sign-in (no pre-session cookie).
  Browser first;
  auto login = first.get(url() + "/auth/login");
  ASSERT_EQ(login.status, 302);
  auto back = first.get(login.next);
  ASSERT_EQ(back.status, 302);
  Browser other;
  EXPECT_EQ(other.get(back.next).location, kRefused);
  EXPECT_TRUE(other.cookie("grappe_session").empty());
  // The first browser's state is intact and still works once.
  EXPECT_EQ(first.get(back.next).location, "/");
}

TEST_F(OidcAttack, ProviderErrorsLandOnTheSignInPage) {
  Browser browser;
  auto login = browser.get(url() + "/auth/login");
  ASSERT_EQ(login.status, 302);
  auto a = browser.get(url() + "/auth/callback?error=access_denied&state=x");
  EXPECT_EQ(a.location, "/#/connexion?erreur=fournisseur");
  EXPECT_EQ(browser.get(url() + "/auth/callback").location, kRefused);
}

}  // namespace
}  // namespace grappe::test
