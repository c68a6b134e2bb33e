#include "grappe/domain/state.h"

#include <gtest/gtest.h>

#include "grappe/domain/commands.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

TEST(EsmsState, FoldsMembershipsAndProfile) {
  EsmsState s;
  s = evolve_esms(s, MembershipRecorded{"g1", "default"}, {1, "t", "u", "U"});
  s = evolve_esms(s, EstablishmentProfileUpdated{Dui{"V", "S"}, {}, true, {}}, {2, "t", "u", "U"});
  s = evolve_esms(s, EstablishmentProfileUpdated{{}, std::vector<std::string>{"PA"}, {}, "note"},
                  {3, "t", "u", "U"});
  s = evolve_esms(s, CommentPosted{"ignored"}, {4, "t", "u", "U"});
  EXPECT_EQ(s.version, 4u);
  const Json j = to_json(s);
  EXPECT_EQ(j["memberships"][0]["status"], "accepted");
  EXPECT_EQ(j["profile"]["dui"]["vendor"], "V");
  EXPECT_EQ(j["profile"]["publics"][0], "PA");
  EXPECT_EQ(j["profile"]["lookingForGrappe"], true);
  EXPECT_EQ(j["profile"]["note"], "note");
  s = evolve_esms(s, MembershipEnded{"g1", "default", "removed"}, {5, "t", "u", "U"});
  EXPECT_EQ(s.accepted_in("default"), nullptr);
}

TEST(GrappeState, IgnoresEventsThatDoNotApply) {
  GrappeState s;
  s = evolve(s, GrappeCreated{"g", "G", "default", "75", "330001009", "", {}, 15},
             {1, "t", "", ""});
  s = evolve(s, InvitationAccepted{"330010174"}, {2, "t", "", ""});  // never invited
  s = evolve(s, DossierReopened{"x"}, {3, "t", "", ""});             // not submitted
  s = evolve(s, DecisionRecorded{true, ""}, {4, "t", "", ""});       // not submitted
  for (const Event& e :
       std::vector<Event>{MembershipRecorded{}, MembershipEnded{}, EstablishmentProfileUpdated{},
                          UserSaved{}, UserRevoked{}})
    s = evolve(s, e, {s.version + 1, "t", "", ""});
  EXPECT_TRUE(s.members.empty());
  EXPECT_EQ(s.status, GrappeStatus::kOpen);
  EXPECT_EQ(s.version, 9u);
  const Json j = to_json(s);
  EXPECT_TRUE(j["dui"].is_null());
  EXPECT_TRUE(j["decision"].is_null());
  EXPECT_TRUE(j["lastValidation"].is_null());
  EXPECT_EQ(j["counts"]["accepted"], 0);
  EXPECT_EQ(summary_json(s).size(), 9u);
}

TEST(GrappeState, StatusNames) {
  EXPECT_EQ(to_string(GrappeStatus::kRejected), "rejected");
  EXPECT_EQ(to_string(MemberStatus::kRevoked), "revoked");
  EXPECT_EQ(to_string(MemberStatus::kRemoved), "removed");
}

TEST(ParseCommand, RejectsTruncatedUtf8) {
  EXPECT_FALSE(parse_command("PostComment", {{"text", std::string("caf\xC3")}}));
  EXPECT_FALSE(parse_command("PostComment", {{"text", std::string("\xE2\x82")}}));
  EXPECT_FALSE(parse_command("PostComment", {{"text", std::string("\xC0\x80")}}));
}

}  // namespace
}  // namespace grappe::domain
