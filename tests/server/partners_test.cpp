// Finding partners over HTTP and WebSocket: profiles (who may record them, strictness,
// idempotence), suggestions (who may ask, availability across grappes of a call), the lists.
#include <gtest/gtest.h>

#include "support.h"

namespace grappe::test {
namespace {

using boost::beast::http::verb;

class PartnersTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }

  HttpAnswer put_profile(const std::string& user, const std::string& finess, const json& body) {
    return http(port(), verb::put, "/api/establishments/" + finess + "/profile", token(user),
                body.dump());
  }
  json suggestions(const std::string& grappe, const std::string& query = "",
                   const std::string& user = "porteur") {
    auto a = get(port(), "/api/grappes/" + grappe + "/suggestions" + query, token(user));
    EXPECT_EQ(a.status, 200) << a.text;
    return a.body["suggestions"];
  }
  static const json* find(const json& list, const std::string& finess) {
    for (const auto& s : list)
      if (s["finess"] == finess) return &s;
    return nullptr;
  }
  std::uint64_t position() { return get(port(), "/healthz").body["position"].get<std::uint64_t>(); }
};

TEST_F(PartnersTest, OwnGestionnaireRecordsTheProfileAndAReadSeesIt) {
  json body = {{"dui", {{"vendor", "Éditeur"}, {"software", "Logiciel X"}}},
               {"publics", {"PA"}},
               {"lookingForGrappe", true},
               {"note", "Nous cherchons des partenaires en Béarn."}};
  auto a = put_profile("partner", kEtPartner, body);
  ASSERT_EQ(a.status, 200) << a.text;
  EXPECT_EQ(a.body["finess"], kEtPartner);
  EXPECT_EQ(a.body["profile"]["lookingForGrappe"], true);
  EXPECT_EQ(a.body["profile"]["dui"]["software"], "Logiciel X");
  EXPECT_TRUE(a.body["memberships"].is_array());
  auto read = get(port(), std::string("/api/establishments/") + kEtPartner, token("ars"));
  EXPECT_EQ(read.body["profile"], a.body["profile"]);
  auto search = get(port(), std::string("/api/establishments?q=") + kEtPartner, token("ars"));
  EXPECT_EQ(search.body["establishments"][0]["profile"]["note"], body["note"]);
}

TEST_F(PartnersTest, ARepeatedUpdateAppendsNothing) {
  ASSERT_EQ(put_profile("partner", kEtPartner, {{"lookingForGrappe", true}}).status, 200);
  const auto after_first = position();
  auto again = put_profile("partner", kEtPartner, {{"lookingForGrappe", true}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["profile"]["lookingForGrappe"], true);
  EXPECT_EQ(position(), after_first);
  auto events = get(port(), std::string("/api/establishments/") + kEtPartner, token("partner"));
  EXPECT_EQ(events.body["profile"]["lookingForGrappe"], true);
}

TEST_F(PartnersTest, OnlyTheEstablishmentsOwnGestionnaireMayUpdateItsProfile) {
  const json body = {{"lookingForGrappe", true}};
  for (const char* user : {"porteur", "outsider", "ars", "auditor", "admin"}) {
    auto a = put_profile(user, kEtPartner, body);
    EXPECT_EQ(a.status, 403) << user;
    EXPECT_EQ(a.body["error"]["code"], "forbidden") << user;
  }
  EXPECT_EQ(http(port(), verb::put, std::string("/api/establishments/") + kEtPartner + "/profile",
                 "", body.dump())
                .status,
            401);
  auto unknown = put_profile("partner", "640099999", body);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["error"]["code"], "not_found");
  auto read = get(port(), std::string("/api/establishments/") + kEtPartner, token("partner"));
  EXPECT_EQ(read.body["profile"]["lookingForGrappe"], false);
}

TEST_F(PartnersTest, MalformedProfilesAreBadRequests) {
  for (const std::string& body :
       {std::string("{"), std::string(R"({"publics":"PA"})"),
        std::string(R"({"lookingForGrappe":"oui"})"), std::string(R"({"publics":["inconnu"]})"),
        std::string(R"({"dui":{"vendor":"A"}})"), std::string(40, '[') + std::string(40, ']')}) {
    auto a = http(port(), verb::put, std::string("/api/establishments/") + kEtPartner + "/profile",
                  token("partner"), body);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_EQ(a.body["error"]["code"], "bad_request") << body;
    EXPECT_EQ(a.text.find("inconnu\""), std::string::npos);
  }
}

TEST_F(PartnersTest, SuggestionsExplainTheirScoreAndPutThoseLookingFirst) {
  auto grappe = create_grappe(port());
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPorteur}});
  auto before = suggestions(grappe);
  ASSERT_FALSE(before.empty());
  for (const auto& s : before) {
    int sum = 0;
    for (const auto& p : s["parts"]) sum += p["points"].get<int>();
    EXPECT_EQ(sum, s["score"]) << s.dump();
    EXPECT_EQ(s["reasons"].size(), s["parts"].size());
    EXPECT_EQ(s["availability"], "free");
    for (const char* key : {"finess", "name", "ej", "category", "departement", "commune"})
      EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_EQ(find(before, kEtPorteur), nullptr);  // already a member
  ASSERT_EQ(put_profile("partner", kEtPartner, {{"lookingForGrappe", true}}).status, 200);
  auto after = suggestions(grappe);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after[0]["finess"], kEtPartner);
  EXPECT_NE(std::find(after[0]["reasons"].begin(), after[0]["reasons"].end(), "cherche une grappe"),
            after[0]["reasons"].end());
  EXPECT_EQ(suggestions(grappe, "?limit=3").size(), 3u);
}

TEST_F(PartnersTest, AcceptedElsewhereIsLeftOutInvitedElsewhereIsMarked) {
  auto grappe = create_grappe(port(), "A");
  auto other = create_grappe(port(), "B");
  auto p = token("porteur");
  command(port(), p, other, "InviteEstablishment", {{"finess", kEtPartner}});
  command(port(), p, other, "InviteEstablishment", {{"finess", kEtPartner2}});
  ASSERT_EQ(command(port(), token("partner"), other, "AcceptInvitation", {{"finess", kEtPartner2}})
                .status,
            200);
  auto list = suggestions(grappe, "?limit=100");
  EXPECT_EQ(find(list, kEtPartner2), nullptr);
  ASSERT_NE(find(list, kEtPartner), nullptr);
  EXPECT_EQ((*find(list, kEtPartner))["availability"], "invited_elsewhere");
  auto all = suggestions(grappe, "?limit=100&includeUnavailable=true");
  ASSERT_NE(find(all, kEtPartner2), nullptr);
  EXPECT_EQ((*find(all, kEtPartner2))["availability"], "member_elsewhere");
  EXPECT_EQ(all.back()["finess"], kEtPartner2);
}

TEST_F(PartnersTest, SuggestionsAreForThePorteurAuditorsAndAdmins) {
  auto grappe = create_grappe(port());
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/suggestions", token("auditor")).status, 200);
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/suggestions", token("admin")).status, 200);
  auto ars = get(port(), "/api/grappes/" + grappe + "/suggestions", token("ars"));
  EXPECT_EQ(ars.status, 403);
  EXPECT_EQ(ars.body["error"]["code"], "forbidden");
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/suggestions", token("outsider")).status, 404);
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/suggestions", token("partner")).status, 403);
  EXPECT_EQ(get(port(), "/api/grappes/nope/suggestions", token("porteur")).status, 404);
  for (const char* q : {"?limit=0", "?limit=101", "?limit=x", "?includeUnavailable=oui"})
    EXPECT_EQ(get(port(), "/api/grappes/" + grappe + "/suggestions" + q, token("porteur")).status,
              400)
        << q;
}

TEST_F(PartnersTest, SubscribersOfGrappesAreToldOfAProfileUpdate) {
  auto grappe = create_grappe(port());
  Ws ws(port());
  ws.hello(token("porteur"));
  ws.send({{"type", "subscribe"}, {"grappe", grappe}});
  ws.read_until("snapshot");
  ASSERT_EQ(put_profile("partner", kEtPartner, {{"lookingForGrappe", true}}).status, 200);
  auto msg = ws.read_until("profile");
  EXPECT_EQ(msg["finess"], kEtPartner);
  EXPECT_EQ(msg["profile"]["lookingForGrappe"], true);
  EXPECT_GT(msg["position"].get<std::uint64_t>(), 0u);
}

TEST_F(PartnersTest, ListsAnOrganisationsEstablishmentsAndThoseLookingInARegion) {
  auto own = get(port(), std::string("/api/establishments?ej=") + kOgPartner, token("partner"));
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.body["establishments"].size(), 11u);
  for (const auto& e : own.body["establishments"]) {
    EXPECT_EQ(e["ej"], kOgPartner);
    EXPECT_TRUE(e.contains("profile"));
  }
  auto none = get(port(), "/api/establishments?lookingForGrappe=true&region=75", token("porteur"));
  EXPECT_EQ(none.body["establishments"].size(), 0u);
  put_profile("partner", kEtPartner, {{"lookingForGrappe", true}});
  put_profile("outsider", kEtOutsider, {{"lookingForGrappe", true}});
  auto looking =
      get(port(), "/api/establishments?lookingForGrappe=true&region=75", token("porteur"));
  ASSERT_EQ(looking.status, 200);
  std::vector<std::string> finesses;
  for (const auto& e : looking.body["establishments"]) finesses.push_back(e["finess"]);
  EXPECT_NE(std::find(finesses.begin(), finesses.end(), kEtPartner), finesses.end());
  put_profile("partner", kEtPartner, {{"lookingForGrappe", false}});
  looking = get(port(), "/api/establishments?lookingForGrappe=true&region=75", token("porteur"));
  for (const auto& e : looking.body["establishments"]) EXPECT_NE(e["finess"], kEtPartner);
  EXPECT_EQ(
      get(port(), "/api/establishments?lookingForGrappe=true&region=99", token("porteur")).status,
      400);
}

}  // namespace
}  // namespace grappe::test
