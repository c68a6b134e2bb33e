// Sign-in through a real OpenID Connect provider (panva's oidc-provider on loopback): the code
// flow end to end without a browser, the session cookie on HTTP and WebSocket, CSRF, expiry,
// logout, revocation, a restart, and an access request approved while its session stays open.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "oidc_support.h"
#include "support.h"

namespace grappe::test {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;

constexpr const char* kEmail = "marie.curie@example.fr";

// A server signing in through a provider started after it (the provider needs its callback).
struct ProviderSetup {
  explicit ProviderSetup(std::vector<std::string> extra = {}, std::filesystem::path data = {})
      : secrets("oidc"), provider("provider.mjs") {
    std::ofstream(secrets.path / "secret") << "s3cret-for-tests\n";
    std::vector<std::string> args{"--oidc-issuer",
                                  provider.url(),
                                  "--oidc-client-id",
                                  "grappe-test",
                                  "--oidc-client-secret-file",
                                  (secrets.path / "secret").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    server.emplace(args, data);
  }
  void start_provider() {
    provider.start({"grappe-test", "s3cret-for-tests",
                    "http://127.0.0.1:" + std::to_string(server->port()) + "/auth/callback"});
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  TempDir secrets;
  NodeIssuer provider;
  std::optional<Server> server;
};

void give_email(unsigned short port, const std::string& id, const std::string& role,
                const json& og = json::array()) {
  json body{{"name", "Test " + id}, {"role", role}, {"og", og}, {"email", kEmail}};
  auto a = http(port, verb::put, "/api/admin/users/" + id, token("admin"), body.dump());
  ASSERT_TRUE(a.status == 200 || a.status == 201) << a.text;
}

TEST(OidcProvider, AuthMethodsSayOidcOnlyWhenConfigured) {
  Server plain;
  EXPECT_EQ(get(plain.port(), "/api/auth/methods").body["oidc"], false);
  EXPECT_EQ(get(plain.port(), "/auth/login").status, 404);
  ProviderSetup s;
  EXPECT_EQ(get(s.server->port(), "/api/auth/methods").body["oidc"], true);
}

TEST(OidcProvider, CodeFlowSignsInAndTheCookieServesHttpAndWebSocket) {
  auto dir = TempDir("oidc-restart");
  ProviderSetup s({}, dir.path / "data");
  s.start_provider();
  auto port = s.server->port();
  give_email(port, "admin", "admin");
  Browser browser;
  EXPECT_EQ(browser.sign_in(s.url()), "/");
  auto session = browser.cookie("grappe_session");
  ASSERT_GE(session.size(), 43u);  // 256 bits in base64url
  auto me = http(port, verb::get, "/api/me", "", "", with_cookie(session));
  EXPECT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body["id"], "admin");
  EXPECT_EQ(me.body["identity"]["siret"], "33000100900012");
  EXPECT_EQ(me.body["identity"]["usual_name"], "Curie");

  CookieWs ws(port, "grappe_session=" + session);
  ws.send({{"type", "hello"}});
  auto welcome = ws.read();
  EXPECT_EQ(welcome["type"], "welcome") << welcome.dump();
  EXPECT_EQ(welcome["user"]["id"], "admin");

  // A restart keeps the session: only its hash is in the log.
  s.server->terminate();
  s.server.reset();
  s.server.emplace(
      std::vector<std::string>{"--oidc-issuer", s.provider.url(), "--oidc-client-id", "grappe-test",
                               "--oidc-client-secret-file", (s.secrets.path / "secret").string()},
      dir.path / "data");
  port = s.server->port();
  me = http(port, verb::get, "/api/me", "", "", with_cookie(session));
  EXPECT_EQ(me.status, 200) << me.text;

  // Logout (a state change: our Origin or the CSRF header) ends it and its WebSockets.
  CookieWs ws2(port, "grappe_session=" + session);
  ws2.send({{"type", "hello"}});
  EXPECT_EQ(ws2.read()["type"], "welcome");
  auto refused = http(port, verb::post, "/auth/logout", "", "",
                      with_cookie(session, {{"Origin", "https://evil.example"}}));
  EXPECT_EQ(refused.status, 403);
  auto out = http(port, verb::post, "/auth/logout", "", "",
                  with_cookie(session, {{"X-Grappe-CSRF", "1"}}));
  EXPECT_EQ(out.status, 200) << out.text;
  EXPECT_EQ(ws2.close_code(), 4401);
  EXPECT_EQ(http(port, verb::get, "/api/me", "", "", with_cookie(session)).status, 401);
}

TEST(OidcProvider, CrossSitePostWithTheCookieIsRefusedAndBearerIsNot) {
  ProviderSetup s;
  s.start_provider();
  auto port = s.server->port();
  give_email(port, "porteur", "gestionnaire", json::array({kOgPorteur}));
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/");
  auto session = browser.cookie("grappe_session");
  json prefs{{"notifications", "daily"}};
  auto put = [&](std::vector<std::pair<std::string, std::string>> h, const std::string& tok = "") {
    return http(port, verb::put, "/api/me/preferences", tok, prefs.dump(), h);
  };
  EXPECT_EQ(put(with_cookie(session)).status, 403);
  EXPECT_EQ(put(with_cookie(session, {{"Origin", "https://evil.example"}})).status, 403);
  auto host = "127.0.0.1:" + std::to_string(port);  // as a browser sends it
  EXPECT_EQ(put(with_cookie(session, {{"Host", host}, {"Origin", s.url()}})).status, 200);
  EXPECT_EQ(put(with_cookie(session, {{"Host", host}, {"Origin", "http://127.0.0.1:1"}})).status,
            403);
  EXPECT_EQ(put(with_cookie(session, {{"X-Grappe-CSRF", "1"}})).status, 200);
  EXPECT_EQ(put({}, token("porteur")).status, 200);  // bearer: no Origin needed
  EXPECT_EQ(put({{"Origin", "https://evil.example"}}, token("porteur")).status, 200);
}

TEST(OidcProvider, AnIdleSessionExpires) {
  ProviderSetup s({"--session-idle", "2s"});
  s.start_provider();
  auto port = s.server->port();
  give_email(port, "auditor", "auditor");
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/");
  auto session = browser.cookie("grappe_session");
  EXPECT_EQ(http(port, verb::get, "/api/me", "", "", with_cookie(session)).status, 200);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(http(port, verb::get, "/api/me", "", "", with_cookie(session)).status, 200);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(http(port, verb::get, "/api/me", "", "", with_cookie(session)).status, 401);
}

// H2: a WebSocket opened by cookie does not outlive its session's idle limit.
TEST(OidcProvider, AnIdleSessionClosesItsWebSocketWith4401) {
  ProviderSetup s({"--session-idle", "2s", "--keepalive", "1"});
  s.start_provider();
  auto port = s.server->port();
  give_email(port, "auditor", "auditor");
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/");
  CookieWs ws(port, "grappe_session=" + browser.cookie("grappe_session"));
  ws.send({{"type", "hello"}});
  ASSERT_EQ(ws.read()["type"], "welcome");
  EXPECT_EQ(ws.close_code(8s), 4401);
}

TEST(OidcProvider, RevokingTheUserClosesItsCookieWebSocketWith4401) {
  ProviderSetup s;
  s.start_provider();
  auto port = s.server->port();
  give_email(port, "partner", "gestionnaire", json::array({kOgPartner}));
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/");
  CookieWs ws(port, "grappe_session=" + browser.cookie("grappe_session"));
  ws.send({{"type", "hello"}});
  ASSERT_EQ(ws.read()["type"], "welcome");
  EXPECT_EQ(http(port, verb::delete_, "/api/admin/users/partner", token("admin")).status, 200);
  EXPECT_EQ(ws.close_code(), 4401);
}

TEST(OidcProvider, AnUnknownPersonRequestsAccessAndTheSameSessionGetsIt) {
  ProviderSetup s;
  s.start_provider();
  auto port = s.server->port();
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/#/acces");
  auto session = browser.cookie("grappe_session");
  auto as_person = [&](verb method, const std::string& target, const std::string& body = "") {
    return http(port, method, target, "", body, with_cookie(session, {{"X-Grappe-CSRF", "1"}}));
  };
  auto me = as_person(verb::get, "/api/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_TRUE(me.body["user"].is_null()) << me.text;
  EXPECT_EQ(me.body["identity"]["email"], kEmail);
  EXPECT_EQ(as_person(verb::get, "/api/grappes").status, 403);
  auto found = as_person(verb::get, "/api/establishments?q=bordeaux");
  EXPECT_EQ(found.status, 200);
  EXPECT_FALSE(found.body["establishments"].empty()) << found.text;
  for (const auto& e : found.body["establishments"]) EXPECT_FALSE(e.contains("profile"));
  auto by_ej = as_person(verb::get, std::string("/api/establishments?ej=") + kOgPorteur);
  ASSERT_EQ(by_ej.status, 200);
  EXPECT_FALSE(by_ej.body["establishments"].empty());
  for (const auto& e : by_ej.body["establishments"]) EXPECT_FALSE(e.contains("profile"));
  EXPECT_EQ(as_person(verb::get, "/api/establishments?lookingForGrappe=true").status, 403);
  auto regions = as_person(verb::get, "/api/reference/regions");  // the ARS request's choices
  ASSERT_EQ(regions.status, 200);
  EXPECT_EQ(regions.body["regions"].size(), 18u);
  EXPECT_EQ(as_person(verb::get, "/api/reference/calls").status, 403);
  CookieWs early(port, "grappe_session=" + session);
  early.send({{"type", "hello"}});
  EXPECT_EQ(early.read()["type"], "error");

  EXPECT_EQ(as_person(verb::post, "/api/access-requests", R"({"role":"admin"})").status, 400);
  EXPECT_EQ(as_person(verb::post, "/api/access-requests", R"({"role":"gestionnaire","og":["12"]})")
                .status,
            400);
  json ask{{"role", "gestionnaire"}, {"og", {kOgPorteur}}, {"message", "Je gère l’EHPAD."}};
  auto posted = as_person(verb::post, "/api/access-requests", ask.dump());
  ASSERT_EQ(posted.status, 201) << posted.text;
  auto id = posted.body["id"].get<std::string>();
  EXPECT_EQ(as_person(verb::post, "/api/access-requests", ask.dump()).status, 409);
  EXPECT_EQ(as_person(verb::get, "/api/access-requests").body["requests"].size(), 1u);

  // Seen by admins, auditors and the EJ's gestionnaires, not by others.
  auto list = [&](const std::string& who) {
    return get(port, "/api/access-requests", token(who)).body["requests"].size();
  };
  EXPECT_EQ(list("admin"), 1u);
  EXPECT_EQ(list("auditor"), 1u);
  EXPECT_EQ(list("porteur"), 1u);
  EXPECT_EQ(list("outsider"), 0u);
  auto decide = [&](const std::string& who, const json& body) {
    return http(port, verb::post, "/api/access-requests/" + id + "/decision", token(who),
                body.dump());
  };
  EXPECT_EQ(decide("outsider", {{"decision", "approved"}}).status, 404);
  EXPECT_EQ(decide("auditor", {{"decision", "approved"}}).status, 403);  // sees, never decides
  EXPECT_EQ(decide("admin", {{"decision", "maybe"}}).status, 400);
  auto approved = decide("porteur", {{"decision", "approved"}, {"reason", "collègue"}});
  ASSERT_EQ(approved.status, 200) << approved.text;
  EXPECT_EQ(approved.body["status"], "approved");
  EXPECT_EQ(decide("admin", {{"decision", "refused"}}).status, 409);
  // The auditor reads the decision: who granted what, when, why.
  auto audited = get(port, "/api/access-requests", token("auditor")).body["requests"][0];
  EXPECT_EQ(audited["status"], "approved");
  EXPECT_EQ(audited["decidedBy"], "porteur");
  EXPECT_EQ(audited["reason"], "collègue");

  me = as_person(verb::get, "/api/me");
  EXPECT_EQ(me.body["role"], "gestionnaire") << me.text;
  EXPECT_EQ(me.body["og"], json::array({kOgPorteur}));
  EXPECT_EQ(as_person(verb::get, "/api/grappes").status, 200);
}

// M3: an approval for an address that has a user already is an admin's; nobody decides a
// request for their own address.
TEST(OidcProvider, ApprovingForAnExistingUserOrOneselfIsRefused) {
  ProviderSetup s;
  s.start_provider();
  auto port = s.server->port();
  Browser browser;
  ASSERT_EQ(browser.sign_in(s.url()), "/#/acces");
  auto session = browser.cookie("grappe_session");
  json ask{{"role", "gestionnaire"}, {"og", {kOgPorteur}}};
  auto posted = http(port, verb::post, "/api/access-requests", "", ask.dump(),
                     with_cookie(session, {{"X-Grappe-CSRF", "1"}}));
  ASSERT_EQ(posted.status, 201) << posted.text;
  auto decide = [&](const std::string& who, const std::string& decision) {
    return http(port, verb::post,
                "/api/access-requests/" + posted.body["id"].get<std::string>() + "/decision",
                token(who), json{{"decision", decision}}.dump());
  };
  give_email(port, "newcomer", "auditor");  // the address has a user now
  auto refused = decide("porteur", "approved");
  EXPECT_EQ(refused.status, 409) << refused.text;
  // The gestionnaire of the EJ holds the address itself: its own request.
  json self{{"name", "Porteur"},
            {"role", "gestionnaire"},
            {"og", {kOgPorteur}},
            {"email", "Marie.Curie@example.fr"}};
  ASSERT_EQ(http(port, verb::delete_, "/api/admin/users/newcomer", token("admin")).status, 200);
  auto put = http(port, verb::put, "/api/admin/users/porteur", token("admin"), self.dump());
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(decide("porteur", "refused").status, 403);
  auto approved = decide("admin", "approved");
  EXPECT_EQ(approved.status, 200) << approved.text;
}

}  // namespace
}  // namespace grappe::test
