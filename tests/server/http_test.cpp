// The HTTP API of PROTOCOL.md: endpoints, visibility, rejection codes and statuses.
#include <gtest/gtest.h>

#include "support.h"

namespace grappe::test {
namespace {

using boost::beast::http::verb;

class HttpTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }
};

TEST_F(HttpTest, MeNeedsAValidToken) {
  EXPECT_EQ(get(port(), "/api/me").status, 401);
  EXPECT_EQ(get(port(), "/api/me", "wrong").body["error"]["code"], "unauthorized");
  auto me = get(port(), "/api/me", token("ars"));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body["role"], "ars");
  EXPECT_EQ(me.body["regions"], json::array({"75"}));
}

TEST_F(HttpTest, GrappeListShowsOnlyWhatTheUserMayRead) {
  auto grappe = create_grappe(port(), "Visible");
  auto count = [&](const std::string& user, const std::string& query = "") {
    return get(port(), "/api/grappes" + query, token(user)).body["grappes"].size();
  };
  EXPECT_EQ(count("porteur"), 1u);
  EXPECT_EQ(count("partner"), 0u);
  EXPECT_EQ(count("ars"), 1u);
  EXPECT_EQ(count("ars-idf"), 0u);
  EXPECT_EQ(count("auditor"), 1u);
  EXPECT_EQ(count("porteur", "?status=submitted"), 0u);
  EXPECT_EQ(count("porteur", "?region=75&call=default&status=open"), 1u);
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  EXPECT_EQ(count("partner"), 1u);
  auto summary = get(port(), "/api/grappes", token("porteur")).body["grappes"][0];
  for (const char* key :
       {"id", "name", "call", "region", "porteur", "status", "version", "counts", "threshold"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  EXPECT_EQ(summary["threshold"], 15);
}

TEST_F(HttpTest, StateHasTheProtocolShape) {
  auto grappe = create_grappe(port());
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPorteur}});
  auto state = get(port(), "/api/grappes/" + grappe, token("porteur"));
  ASSERT_EQ(state.status, 200);
  EXPECT_EQ(state.body["version"], 3);  // created, invited, accepted (own organisation)
  EXPECT_EQ(state.body["counts"]["accepted"], 1);
  const auto& member = state.body["members"][0];
  EXPECT_EQ(member["finess"], kEtPorteur);
  EXPECT_EQ(member["ej"], kOgPorteur);
  EXPECT_EQ(member["status"], "accepted");
  EXPECT_TRUE(state.body["lastValidation"].is_null());
  EXPECT_TRUE(state.body["decision"].is_null());
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe, token("outsider")).status, 404);
  EXPECT_EQ(get(port(), "/api/grappes/nope", token("porteur")).status, 404);
}

TEST_F(HttpTest, RejectionCodesHaveTheirStatuses) {
  auto grappe = create_grappe(port());
  auto p = token("porteur");
  // bad_request: malformed payload.
  auto bad = command(port(), p, grappe, "InviteEstablishment", {{"finess", 12}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["type"], "rejected");
  EXPECT_EQ(bad.body["code"], "bad_request");
  // unauthorized.
  EXPECT_EQ(command(port(), "nope", grappe, "PostComment", {{"text", "x"}}).status, 401);
  // not_found: a grappe the user may not read, or none.
  auto hidden = command(port(), token("outsider"), grappe, "PostComment", {{"text", "x"}});
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body["code"], "not_found");
  // forbidden: readable but not allowed (the ARS may not invite).
  auto forbidden =
      command(port(), token("ars"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.body["code"], "forbidden");
  // conflict: an existing grappe id, a stale expectedVersion.
  auto again =
      command(port(), p, grappe, "CreateGrappe",
              {{"name", "x"}, {"call", "default"}, {"region", "75"}, {"porteur", kOgPorteur}});
  EXPECT_EQ(again.status, 409);
  json stale = {{"id", new_id()},
                {"name", "PostComment"},
                {"payload", {{"text", "x"}}},
                {"expectedVersion", 0}};
  EXPECT_EQ(
      http(port(), verb::post, "/api/grappes/" + grappe + "/commands", p, stale.dump()).status,
      409);
  // invalid_state: membership commands on a submitted dossier; rule_violation: exclusivity.
  auto reopen = command(port(), p, grappe, "ReopenDossier", {{"reason", "x"}});
  EXPECT_EQ(reopen.status, 422);
  EXPECT_EQ(reopen.body["code"], "invalid_state");
  // too_large: a body over the limit; 431: headers over the limit.
  std::string huge(2 << 20, 'x');
  EXPECT_EQ(http(port(), verb::post, "/api/grappes/" + grappe + "/commands", p, huge).status, 413);
  EXPECT_EQ(http(port(), verb::get, "/api/me", p, "", {{"X-Big", std::string(20000, 'y')}}).status,
            431);
  // The server is still fine.
  EXPECT_EQ(get(port(), "/healthz").status, 200);
}

TEST_F(HttpTest, ExclusiveMembershipIsARuleViolation) {
  auto a = create_grappe(port(), "A");
  auto b = create_grappe(port(), "B");
  for (const auto& g : {a, b}) {
    command(port(), token("porteur"), g, "InviteEstablishment", {{"finess", kEtPartner}});
  }
  EXPECT_EQ(
      command(port(), token("partner"), a, "AcceptInvitation", {{"finess", kEtPartner}}).status,
      200);
  auto second = command(port(), token("partner"), b, "AcceptInvitation", {{"finess", kEtPartner}});
  EXPECT_EQ(second.status, 422);
  EXPECT_EQ(second.body["code"], "rule_violation");
  EXPECT_EQ(second.body["details"]["rule"], "exclusive_membership");
}

TEST_F(HttpTest, EventsCarryHashesAndTimeTravelFoldsTheHistory) {
  auto grappe = create_grappe(port());
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner2}});
  auto events =
      get(port(), "/api/grappes/" + grappe + "/events?fromVersion=1&limit=10", token("auditor"));
  ASSERT_EQ(events.status, 200);
  ASSERT_EQ(events.body["events"].size(), 2u);
  const auto& e = events.body["events"][0];
  EXPECT_EQ(e["version"], 2);
  EXPECT_EQ(e["type"], "EstablishmentInvited");
  EXPECT_EQ(e["hash"].get<std::string>().size(), 64u);
  for (const char* key : {"position", "data", "actor", "at", "commandId"}) {
    EXPECT_TRUE(e.contains(key)) << key;
  }
  auto then = get(port(), "/api/grappes/" + grappe + "/state?atVersion=2", token("auditor"));
  ASSERT_EQ(then.status, 200);
  EXPECT_EQ(then.body["version"], 2);
  EXPECT_EQ(then.body["members"].size(), 1u);
  auto at = e["at"].get<std::string>();
  auto by_time = get(port(), "/api/grappes/" + grappe + "/state?at=" + at, token("auditor"));
  EXPECT_EQ(by_time.status, 200);
  EXPECT_GE(by_time.body["version"].get<int>(), 2);
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/state?at=yesterday", token("auditor")).status,
            400);
  EXPECT_EQ(
      get(port(), "/api/grappes/" + grappe + "/state?at=2000-01-01T00:00:00.000Z", token("auditor"))
          .status,
      404);
}

TEST_F(HttpTest, VerifyIsForAuditorsAndAdmins) {
  create_grappe(port());
  auto ok = get(port(), "/api/audit/verify", token("auditor"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body["ok"], true);
  EXPECT_GE(ok.body["events"].get<int>(), 1);
  EXPECT_EQ(ok.body["head"].get<std::string>().size(), 64u);
  EXPECT_EQ(get(port(), "/api/audit/verify", token("porteur")).status, 403);
}

TEST_F(HttpTest, EstablishmentsSearchAndDetail) {
  auto found = get(port(), "/api/establishments?q=tilleuls", token("porteur"));
  ASSERT_EQ(found.status, 200);
  ASSERT_GE(found.body["establishments"].size(), 1u);
  EXPECT_EQ(found.body["establishments"][0]["finess"], kEtPorteur);
  EXPECT_EQ(found.body["establishments"][0]["region"], "75");
  auto by_dept = get(port(), "/api/establishments?departement=64&limit=3", token("porteur"));
  EXPECT_EQ(by_dept.body["establishments"].size(), 3u);
  auto grappe = create_grappe(port());
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  auto detail = get(port(), std::string("/api/establishments/") + kEtPartner, token("partner"));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.body["memberships"][0]["grappe"], grappe);
  EXPECT_EQ(detail.body["memberships"][0]["status"], "invited");
  EXPECT_EQ(get(port(), "/api/establishments/999999999", token("porteur")).status, 404);
  EXPECT_EQ(get(port(), "/api/establishments?q=x").status, 401);
}

TEST_F(HttpTest, MetricsAreServedOnLoopback) {
  create_grappe(port());
  auto metrics = get(port(), "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.text.find("grappe_commands_total"), std::string::npos);
  EXPECT_NE(metrics.text.find("grappe_append_seconds"), std::string::npos);
  EXPECT_NE(metrics.text.find("grappe_log_position"), std::string::npos);
}

TEST_F(HttpTest, StaticFilesAreServedAndPathsCannotEscape) {
  auto index = get(port(), "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.text.find("<html"), std::string::npos);
  EXPECT_EQ(get(port(), "/../CMakeLists.txt").status, 404);
  EXPECT_EQ(get(port(), "/nope.js").status, 404);
}

TEST_F(HttpTest, AdminCreatesAUserWhoseTokenWorksOnceShownThenRevokes) {
  json body = {{"name", "Nouvelle"}, {"role", "gestionnaire"}, {"og", {kOgOutsider}}};
  auto created = http(port(), verb::put, "/api/admin/users/nouvelle", token("admin"), body.dump());
  ASSERT_EQ(created.status, 201);
  auto tok = created.body["token"].get<std::string>();
  EXPECT_EQ(get(port(), "/api/me", tok).body["id"], "nouvelle");
  auto list = get(port(), "/api/admin/users", token("admin"));
  for (const auto& u : list.body["users"]) EXPECT_FALSE(u.contains("token"));
  EXPECT_EQ(http(port(), verb::put, "/api/admin/users/x", token("porteur"), body.dump()).status,
            403);
  json bad = {{"name", "X"}, {"role", "king"}};
  EXPECT_EQ(http(port(), verb::put, "/api/admin/users/x", token("admin"), bad.dump()).status, 400);
  Ws ws(port());
  ws.hello(tok);
  EXPECT_EQ(http(port(), verb::delete_, "/api/admin/users/nouvelle", token("admin")).status, 200);
  EXPECT_EQ(ws.read_close_code(), 4401);
  EXPECT_EQ(get(port(), "/api/me", tok).status, 401);
}

// A change of rights closes the user's WebSockets (4409): what they watch was granted under the
// old ones. A change of name alone does not.
TEST_F(HttpTest, ChangingAUsersRightsClosesTheirSessions) {
  json body = {{"name", "Agent"}, {"role", "ars"}, {"regions", {"75"}}};
  auto created = http(port(), verb::put, "/api/admin/users/agent", token("admin"), body.dump());
  ASSERT_EQ(created.status, 201);
  const auto tok = created.body["token"].get<std::string>();
  Ws ws(port());
  ws.hello(tok);
  body["name"] = "Agent renommé";
  ASSERT_EQ(http(port(), verb::put, "/api/admin/users/agent", token("admin"), body.dump()).status,
            200);
  ws.send({{"type", "ping"}});
  ws.read_until("pong");  // still open
  body["regions"] = {"84"};
  ASSERT_EQ(http(port(), verb::put, "/api/admin/users/agent", token("admin"), body.dump()).status,
            200);
  EXPECT_EQ(ws.read_close_code(), 4409);
  Ws again(port());
  EXPECT_EQ(again.hello(tok)["user"]["regions"], json({"84"}));
}

}  // namespace
}  // namespace grappe::test
