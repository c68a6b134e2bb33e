#include "grappe/domain/commands.h"

#include <gtest/gtest.h>

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

const Json kCreate = {{"name", "Grappe Gironde"},
                      {"call", "default"},
                      {"region", "75"},
                      {"porteur", "010780054"},
                      {"description", "Projet\nDUI"},
                      {"dui", {{"vendor", "Editeur"}, {"software", "Logiciel"}}}};

TEST(ParseCommand, ParsesEveryCommand) {
  const std::vector<std::pair<std::string, Json>> good = {
      {"CreateGrappe", kCreate},
      {"UpdateDetails", {{"name", "x"}}},
      {"InviteEstablishment", {{"finess", "330010174"}, {"message", "Bonjour"}}},
      {"RevokeInvitation", {{"finess", "330010174"}}},
      {"AcceptInvitation", {{"finess", "330010174"}}},
      {"DeclineInvitation", {{"finess", "330010174"}}},
      {"WithdrawMembership", {{"finess", "330010174"}, {"reason", "départ"}}},
      {"RemoveMember", {{"finess", "330010174"}, {"reason", "retrait"}}},
      {"PostComment", {{"text", "Bonjour"}}},
      {"RequestValidation", nullptr},
      {"SubmitDossier", Json::object()},
      {"ReopenDossier", {{"reason", "correction"}}},
      {"RecordDecision", {{"decision", "accepted"}, {"comment", "Bravo"}}},
  };
  for (const auto& [name, payload] : good) {
    auto c = parse_command(name, payload);
    ASSERT_TRUE(c) << name << ": " << c.error().message;
    EXPECT_EQ(command_name(*c), name);
  }
  auto create = std::get<CreateGrappe>(*parse_command("CreateGrappe", kCreate));
  EXPECT_EQ(create.dui, (Dui{"Editeur", "Logiciel"}));
  EXPECT_EQ(create.description, "Projet\nDUI");
  auto decision =
      std::get<RecordDecision>(*parse_command("RecordDecision", {{"decision", "rejected"}}));
  EXPECT_FALSE(decision.accepted);
}

TEST(ParseCommand, RejectsMalformedPayloadsAsBadRequest) {
  auto with = [](Json j, const std::string& key, Json value) {
    j[key] = std::move(value);
    return j;
  };
  const std::string long_text(4001, 'x');
  const std::vector<std::pair<std::string, Json>> bad = {
      {"Unknown", Json::object()},
      {"CreateGrappe", Json::array()},
      {"CreateGrappe", with(kCreate, "name", "")},
      {"CreateGrappe", with(kCreate, "name", 3)},
      {"CreateGrappe", with(kCreate, "name", "a\x01z")},
      {"CreateGrappe", with(kCreate, "name", std::string(201, 'n'))},
      {"CreateGrappe", with(kCreate, "region", "99")},
      {"CreateGrappe", with(kCreate, "porteur", "010780055")},
      {"CreateGrappe", with(kCreate, "porteur", "<b>")},
      {"CreateGrappe", with(kCreate, "dui", "x")},
      {"CreateGrappe", with(kCreate, "dui", {{"vendor", "v"}})},
      {"CreateGrappe", with(kCreate, "description", long_text)},
      {"CreateGrappe", Json{{"name", "x"}}},
      {"UpdateDetails", Json::object()},
      {"UpdateDetails", {{"name", ""}}},
      {"UpdateDetails", {{"description", 3}}},
      {"UpdateDetails", {{"dui", {{"vendor", "v"}, {"software", 2}}}}},
      {"InviteEstablishment", Json::object()},
      {"InviteEstablishment", {{"finess", "12345"}}},
      {"InviteEstablishment", {{"finess", 330010174}}},
      {"InviteEstablishment", {{"finess", "330010174"}, {"message", std::string(1001, 'm')}}},
      {"WithdrawMembership", {{"finess", "330010174"}}},
      {"RemoveMember", {{"finess", "330010174"}, {"reason", ""}}},
      {"PostComment", {{"text", ""}}},
      {"PostComment", {{"text", long_text}}},
      {"PostComment", Json::object()},
      {"PostComment", {{"text", "\xff\xfe"}}},
      {"ReopenDossier", Json::object()},
      {"RecordDecision", {{"decision", "maybe"}}},
      {"RecordDecision", {{"comment", "x"}}},
  };
  for (const auto& [name, payload] : bad) {
    auto c = parse_command(name, payload);
    ASSERT_FALSE(c) << name << " " << payload.dump(-1, ' ', false, Json::error_handler_t::replace);
    EXPECT_EQ(c.error().code, RejectionCode::kBadRequest);
    EXPECT_EQ(c.error().message.find("<b>"), std::string::npos);
  }
}

TEST(ParseCommand, CountsCodePointsNotBytes) {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "é";
  EXPECT_TRUE(parse_command("PostComment", {{"text", text}}));
  EXPECT_FALSE(parse_command("PostComment", {{"text", text + "é"}}));
}

}  // namespace
}  // namespace grappe::domain
