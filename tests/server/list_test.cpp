// README "Protocol additions": the live grappe list (`subscribeList` → `list`, then `listItem`
// for each change of a grappe the user may read, with its own `todo`) and GET /api/auth/methods.
#include <gtest/gtest.h>

#include <fstream>

#include "support.h"

namespace grappe::test {
namespace {

// The built-in call with a threshold of 3: three of the porteur's own establishments make a
// dossier that can be submitted.
std::filesystem::path small_call_config(const std::filesystem::path& dir) {
  auto path = dir / "calls.json";
  std::ofstream(path) << json{{"calls",
                               {{{"id", "default"},
                                 {"label", "Appel test"},
                                 {"regions", "*"},
                                 {"threshold", 3},
                                 {"thresholdOverseasCorsica", 2}}}}}
                             .dump();
  return path;
}

class ListTest : public ::testing::Test {
 protected:
  TempDir dir_{"list"};
  Server server_{{"--config", small_call_config(dir_.path).string()}};
  unsigned short port() const { return server_.port(); }

  // Reads until the `listItem` of `grappe` at `version`.
  static json item_at(Ws& ws, const std::string& grappe, int version) {
    for (;;) {
      auto msg = ws.read_until("listItem");
      if (msg["grappe"]["id"] == grappe && msg["grappe"]["version"] == version)
        return msg["grappe"];
    }
  }
  // True when no `listItem` arrives before the answer to a ping.
  static bool quiet(Ws& ws) {
    ws.send({{"type", "ping"}});
    for (;;) {
      auto msg = ws.read();
      if (msg["type"] == "pong") return true;
      if (msg["type"] == "listItem") return false;
    }
  }
  std::vector<std::string> own_establishments(std::size_t n) {
    auto list = get(port(), std::string("/api/establishments?ej=") + kOgPorteur + "&limit=100",
                    token("porteur"));
    std::vector<std::string> out;
    for (const auto& e : list.body["establishments"]) {
      if (e.value("inScope", true) && e["closedOn"].is_null() && out.size() < n)
        out.push_back(e["finess"]);
    }
    return out;
  }
};

TEST_F(ListTest, SubscribeListSendsTheReadableGrappesWithTodo) {
  auto grappe = create_grappe(port(), "Grappe liste");
  ASSERT_EQ(
      command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}})
          .status,
      200);
  Ws partner(port()), outsider(port());
  partner.hello(token("partner"));
  outsider.hello(token("outsider"));
  partner.send({{"type", "subscribeList"}});
  auto list = partner.read_until("list");
  ASSERT_EQ(list["grappes"].size(), 1u);
  EXPECT_EQ(list["grappes"][0]["id"], grappe);
  EXPECT_EQ(list["grappes"][0]["todo"], 1);
  EXPECT_EQ(list["grappes"][0]["departements"], json::array({"64"}));
  outsider.send({{"type", "subscribeList"}});
  EXPECT_EQ(outsider.read_until("list")["grappes"], json::array());
  // GET /api/grappes carries the same items.
  auto http_list = get(port(), "/api/grappes", token("partner"));
  EXPECT_EQ(http_list.body["grappes"], list["grappes"]);
}

TEST_F(ListTest, AnInvitedGestionnaireIsToldAndOthersAreNot) {
  Ws partner(port()), outsider(port());
  partner.hello(token("partner"));
  outsider.hello(token("outsider"));
  partner.send({{"type", "subscribeList"}});
  outsider.send({{"type", "subscribeList"}});
  EXPECT_EQ(partner.read_until("list")["grappes"], json::array());
  outsider.read_until("list");
  auto grappe = create_grappe(port(), "Grappe invitante");
  ASSERT_EQ(
      command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}})
          .status,
      200);
  auto item = item_at(partner, grappe, 2);
  EXPECT_EQ(item["name"], "Grappe invitante");
  EXPECT_EQ(item["todo"], 1);
  ASSERT_EQ(command(port(), token("partner"), grappe, "AcceptInvitation", {{"finess", kEtPartner}})
                .status,
            200);
  EXPECT_EQ(item_at(partner, grappe, 3)["todo"], 0);
  EXPECT_TRUE(quiet(outsider));
  // Unsubscribed, nothing more comes.
  partner.send({{"type", "unsubscribeList"}});
  partner.read_until("unsubscribedList");
  ASSERT_EQ(command(port(), token("porteur"), grappe, "PostComment", {{"text", "Bonjour"}}).status,
            200);
  EXPECT_TRUE(quiet(partner));
}

TEST_F(ListTest, TheArsOfTheRegionSeesTheDossierSubmitted) {
  Ws ars(port()), other_ars(port()), auditor(port());
  ars.hello(token("ars"));
  other_ars.hello(token("ars-idf"));
  auditor.hello(token("auditor"));
  for (auto* ws : {&ars, &other_ars, &auditor}) {
    ws->send({{"type", "subscribeList"}});
    ws->read_until("list");
  }
  auto grappe = create_grappe(port(), "Grappe déposée");
  EXPECT_EQ(item_at(ars, grappe, 1)["status"], "open");
  auto members = own_establishments(3);
  ASSERT_EQ(members.size(), 3u);
  for (const auto& finess : members) {
    ASSERT_EQ(command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", finess}})
                  .status,
              200);
  }
  auto submitted = command(port(), token("porteur"), grappe, "SubmitDossier", json::object());
  ASSERT_EQ(submitted.status, 200) << submitted.text;
  const int version = submitted.body["version"];
  auto item = item_at(ars, grappe, version);
  EXPECT_EQ(item["status"], "submitted");
  EXPECT_EQ(item["todo"], 1);
  auto seen = item_at(auditor, grappe, version);
  EXPECT_EQ(seen["status"], "submitted");
  EXPECT_EQ(seen["todo"], 0);
  EXPECT_TRUE(quiet(other_ars));
}

TEST_F(ListTest, AuthMethodsNeedNoTokenAndSayHowToGetOne) {
  auto methods = get(port(), "/api/auth/methods");
  ASSERT_EQ(methods.status, 200) << methods.text;
  EXPECT_EQ(methods.body["demo"], false);
  EXPECT_EQ(methods.body["oidc"], false);
  EXPECT_EQ(methods.body["token"], true);
  EXPECT_NE(methods.body["message"].get<std::string>().find("Demandez un jeton"),
            std::string::npos);
}

}  // namespace
}  // namespace grappe::test
