#include <gtest/gtest.h>

#include <set>

#include "grappe/domain/events.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

// One sample of every Event alternative, with every optional field set.
std::vector<Event> every_event() {
  ValidationReport report{false,
                          3,
                          15,
                          "demo (60 établissements)",
                          {{"min_size", Outcome::kFail, "3 membres", {}},
                           {"same_region", Outcome::kWarn, "hors région", {"240010170"}},
                           {"known_establishment", Outcome::kPass, "ok", {}}}};
  return {
      GrappeCreated{"g1", "Grappe", "default", "75", "330001009", "desc", Dui{"V", "S"}, 15},
      DetailsUpdated{"Nouveau", "texte", Dui{"V2", "S2"}},
      EstablishmentInvited{"330010174", "330001009", "EHPAD", "500", "33", "Bienvenue"},
      InvitationAccepted{"330010174"},
      InvitationRevoked{"330010174"},
      InvitationDeclined{"330010174", "non"},
      MembershipWithdrawn{"330010174", "départ"},
      MemberRemoved{"330010174", "retrait"},
      CommentPosted{"Bonjour à tous"},
      ValidationCompleted{report},
      DossierSubmitted{},
      DossierReopened{"corrections"},
      DecisionRecorded{true, "Félicitations"},
      MembershipRecorded{"g1", "default"},
      MembershipEnded{"g1", "default", "withdrawn"},
      EstablishmentProfileUpdated{Dui{"V", "S"}, std::vector<std::string>{"PA", "PH"}, true,
                                  "note"},
      UserSaved{User{"u1", "Marie", Role::kGestionnaire, {"010780054"}, {}}, "abc123"},
      UserRevoked{"u1"},
  };
}

TEST(EventCodec, EveryAlternativeRoundTrips) {
  const auto events = every_event();
  ASSERT_EQ(events.size(), std::variant_size_v<Event>);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].index(), i) << "sample list must follow the variant's order";
    const Json data = encode(events[i]);
    EXPECT_TRUE(data.is_object());
    // Through text, as the store keeps it.
    auto back = decode(type_name(events[i]), Json::parse(data.dump()));
    ASSERT_TRUE(back) << type_name(events[i]) << ": " << back.error();
    EXPECT_EQ(*back, events[i]) << type_name(events[i]);
    names.insert(type_name(events[i]));
  }
  EXPECT_EQ(names.size(), events.size());
}

TEST(EventCodec, OptionalFieldsMayBeAbsent) {
  for (const Event& e : std::vector<Event>{DetailsUpdated{}, EstablishmentProfileUpdated{},
                                           GrappeCreated{"g", "n", "c", "75", "p", "", {}, 15}}) {
    auto back = decode(type_name(e), encode(e));
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, e);
  }
}

TEST(EventCodec, ValidationDataHasTheProtocolShape) {
  const Json data = encode(every_event()[9]);
  EXPECT_EQ(data["eligible"], false);
  EXPECT_EQ(data["members"], 3);
  EXPECT_EQ(data["threshold"], 15);
  EXPECT_EQ(data["rules"][0]["outcome"], "fail");
  EXPECT_FALSE(data["rules"][0].contains("finess"));
  EXPECT_EQ(data["rules"][1]["finess"][0], "240010170");
  EXPECT_EQ(encode(DecisionRecorded{false, ""})["decision"], "rejected");
}

TEST(EventCodec, RejectsUnknownTypesAndBrokenData) {
  EXPECT_FALSE(decode("Nope", Json::object()));
  EXPECT_FALSE(decode("InvitationAccepted", Json::array()));
  EXPECT_FALSE(decode("InvitationAccepted", Json::object()));
  EXPECT_FALSE(decode("InvitationAccepted", {{"finess", 3}}));
  EXPECT_FALSE(decode("GrappeCreated", {{"id", "g"}}));
  EXPECT_FALSE(decode("GrappeCreated", {{"id", "g"},
                                        {"name", "n"},
                                        {"call", "c"},
                                        {"region", "75"},
                                        {"porteur", "p"},
                                        {"description", ""},
                                        {"threshold", "15"}}));
  EXPECT_FALSE(decode("DetailsUpdated", {{"dui", 3}}));
  EXPECT_FALSE(decode("DetailsUpdated", {{"dui", {{"vendor", "v"}}}}));
  EXPECT_FALSE(decode("DetailsUpdated", {{"name", 3}}));
  EXPECT_FALSE(decode("DecisionRecorded", {{"decision", "maybe"}, {"comment", ""}}));
  Json v = encode(every_event()[9]);
  v["rules"][0]["outcome"] = "perhaps";
  EXPECT_FALSE(decode("ValidationCompleted", v));
  v["rules"] = Json::array({3});
  EXPECT_FALSE(decode("ValidationCompleted", v));
  v["rules"] = Json::array({{{"rule", "r"}, {"outcome", "pass"}, {"detail", ""}, {"finess", 1}}});
  EXPECT_FALSE(decode("ValidationCompleted", v));
  v.erase("rules");
  EXPECT_FALSE(decode("ValidationCompleted", v));
  v["rules"] = Json::array();
  v["eligible"] = "yes";
  EXPECT_FALSE(decode("ValidationCompleted", v));
  EXPECT_FALSE(decode("UserSaved", {{"tokenSha256", ""}}));
  EXPECT_FALSE(decode("UserSaved", {{"tokenSha256", ""}, {"user", {{"id", 1}}}}));
  EXPECT_FALSE(decode("EstablishmentProfileUpdated", {{"publics", {1}}}));
  EXPECT_FALSE(decode("EstablishmentProfileUpdated", {{"lookingForGrappe", 1}}));
}

TEST(Outcome, WireNames) {
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kFail})
    EXPECT_EQ(parse_outcome(to_string(o)), o);
  EXPECT_FALSE(parse_outcome("ok"));
}

}  // namespace
}  // namespace grappe::domain
