// Every command × role × grappe status: accepted, or the right rejection code.
#include <gtest/gtest.h>

#include "grappe/domain/decide.h"
#include "world.h"

namespace grappe::domain {
namespace {

using testing::World;

enum Status { kOpen, kSubmitted, kAccepted, kRejected, kMissing };
constexpr std::array<const char*, 5> kStatusNames{"open", "submitted", "accepted", "rejected",
                                                  "missing"};

// A world with grappe "g" in `status`: two of og_a's establishments accepted (porteur's own),
// one of og_b's invited (et_b[0]) and one accepted (et_b[1]); the call's threshold is 2.
World world_in(Status status) {
  World w(*CallConfig::parse(nlohmann::json::parse(
      R"({"calls":[{"id":"default","threshold":2,"thresholdOverseasCorsica":2}]})")));
  if (status == kMissing) return w;
  w.create("g", w.porteur, w.og_a);
  w.must("g", w.porteur, InviteEstablishment{w.et_a[0], ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_a[1], ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_b[1], ""});
  w.must("g", w.manager_b, AcceptInvitation{w.et_b[1]});
  if (status == kOpen) return w;
  w.must("g", w.porteur, SubmitDossier{});
  EXPECT_EQ(w.state("g").status, GrappeStatus::kSubmitted);
  if (status == kAccepted) w.must("g", w.ars, RecordDecision{true, ""});
  if (status == kRejected) w.must("g", w.ars, RecordDecision{false, ""});
  return w;
}

// Expected outcome per status (open, submitted, accepted, rejected, missing): 'o' accepted,
// 'f' forbidden, 'n' not_found, 'i' invalid_state, 'c' conflict.
struct Row {
  const char* command;
  const char *porteur, *manager_b, *outsider_c, *ars, *ars_other, *auditor, *admin;
};

constexpr Row kTable[] = {
    {"CreateGrappe", "cccco", "ccccf", "ccccf", "ccccf", "ccccf", "ccccf", "ccccf"},
    {"UpdateDetails", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"InviteEstablishment", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"RevokeInvitation", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"AcceptInvitation", "ffffn", "oiiin", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"DeclineInvitation", "ffffn", "oiiin", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"WithdrawMembership", "ffffn", "oiiin", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"RemoveMember", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"PostComment", "oooon", "oooon", "nnnnn", "oooon", "nnnnn", "ffffn", "ffffn"},
    {"RequestValidation", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"SubmitDossier", "oiiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"ReopenDossier", "ioiin", "ffffn", "nnnnn", "ffffn", "nnnnn", "ffffn", "ffffn"},
    {"RecordDecision", "ffffn", "ffffn", "nnnnn", "ioiin", "nnnnn", "ffffn", "ffffn"},
};

Command command_for(std::string_view name, const World& w) {
  const std::string invited = w.et_b[0], accepted = w.et_b[1], fresh = w.et_b[2];
  if (name == "CreateGrappe") return CreateGrappe{"G", "default", "75", w.og_a, "", {}};
  if (name == "UpdateDetails") return UpdateDetails{"Nouveau nom", {}, {}};
  if (name == "InviteEstablishment") return InviteEstablishment{fresh, ""};
  if (name == "RevokeInvitation") return RevokeInvitation{invited};
  if (name == "AcceptInvitation") return AcceptInvitation{invited};
  if (name == "DeclineInvitation") return DeclineInvitation{invited, ""};
  if (name == "WithdrawMembership") return WithdrawMembership{accepted, "départ"};
  if (name == "RemoveMember") return RemoveMember{accepted, "retrait"};
  if (name == "PostComment") return PostComment{"Bonjour"};
  if (name == "RequestValidation") return RequestValidation{};
  if (name == "SubmitDossier") return SubmitDossier{};
  if (name == "ReopenDossier") return ReopenDossier{"corrections"};
  return RecordDecision{true, "Bravo"};
}

char code_letter(const std::expected<Decision, Rejection>& d) {
  if (d) return 'o';
  switch (d.error().code) {
    case RejectionCode::kForbidden:
      return 'f';
    case RejectionCode::kNotFound:
      return 'n';
    case RejectionCode::kInvalidState:
      return 'i';
    case RejectionCode::kConflict:
      return 'c';
    default:
      return '?';
  }
}

TEST(Authorisation, EveryCommandRoleAndStatus) {
  int checked = 0;
  for (int status = kOpen; status <= kMissing; ++status) {
    const World base = world_in(static_cast<Status>(status));
    for (const Row& row : kTable) {
      const std::array<std::pair<const char*, const User*>, 7> roles{{
          {row.porteur, &base.porteur},
          {row.manager_b, &base.manager_b},
          {row.outsider_c, &base.outsider_c},
          {row.ars, &base.ars},
          {row.ars_other, &base.ars_other},
          {row.auditor, &base.auditor},
          {row.admin, &base.admin},
      }};
      for (const auto& [expected, user] : roles) {
        World w = base;  // a fresh copy per case
        const auto d = w.run("g", *user, command_for(row.command, w));
        EXPECT_EQ(code_letter(d), expected[status])
            << row.command << " by " << user->id << " on " << kStatusNames[status]
            << (d ? "" : ": " + d.error().message);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 13 * 7 * 5);
}

TEST(MayRead, ParticipantsArsOfTheRegionAuditorsAndAdmins) {
  World w = world_in(kOpen);
  const GrappeState& s = w.state("g");
  EXPECT_TRUE(may_read(w.porteur, s, w.registry));
  EXPECT_TRUE(may_read(w.manager_b, s, w.registry));
  EXPECT_FALSE(may_read(w.outsider_c, s, w.registry));
  EXPECT_TRUE(may_read(w.ars, s, w.registry));
  EXPECT_FALSE(may_read(w.ars_other, s, w.registry));
  EXPECT_TRUE(may_read(w.auditor, s, w.registry));
  EXPECT_TRUE(may_read(w.admin, s, w.registry));
  EXPECT_FALSE(may_read(w.admin, GrappeState{}, w.registry));
  // An invited establishment's gestionnaire reads the grappe, even after declining.
  w.must("g", w.porteur, InviteEstablishment{w.et_c[0], ""});
  User c = w.outsider_c;
  EXPECT_TRUE(may_read(c, w.state("g"), w.registry));
  w.must("g", c, DeclineInvitation{w.et_c[0], "non merci"});
  EXPECT_TRUE(may_read(c, w.state("g"), w.registry));
}

}  // namespace
}  // namespace grappe::domain
