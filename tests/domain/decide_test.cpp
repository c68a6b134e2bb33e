#include "grappe/domain/decide.h"

#include <gtest/gtest.h>

#include "world.h"

namespace grappe::domain {
namespace {

using testing::World;
using Json = nlohmann::json;

TEST(DecideCreate, RecordsTheCallThresholdForTheRegion) {
  World w;
  w.create("g", w.porteur, w.og_a);
  EXPECT_EQ(w.state("g").threshold, 15);
  User corse{"u-corse", "Corse", Role::kGestionnaire, {w.og_corse}, {}};
  w.create("h", corse, w.og_corse, "94");
  EXPECT_EQ(w.state("h").threshold, 8);
  EXPECT_EQ(w.state("h").id, "h");
}

TEST(DecideCreate, ChecksTheCallAndTheId) {
  World w(*CallConfig::parse(Json::parse(
      R"({"calls":[{"id":"na","regions":["75"]},{"id":"old","deadline":"2020-01-01"}]})")));
  auto run = [&](std::string id, std::string call) {
    return w.run(id, w.porteur, CreateGrappe{"G", call, "75", w.og_a, "", {}});
  };
  EXPECT_EQ(run("g", "nope").error().details["rule"], "unknown_call");
  EXPECT_EQ(run("g", "old").error().details["rule"], "deadline");
  EXPECT_EQ(run("bad id!", "na").error().code, RejectionCode::kBadRequest);
  EXPECT_EQ(
      w.run("g", w.porteur, CreateGrappe{"G", "na", "11", w.og_a, "", {}}).error().details["rule"],
      "call_region");
  EXPECT_TRUE(run("g", "na"));
}

TEST(DecideInvite, PorteursOwnEstablishmentJoinsAtOnce) {
  World w;
  w.create("g", w.porteur, w.og_a);
  const Decision d = w.must("g", w.porteur, InviteEstablishment{w.et_a[0], "Bienvenue"});
  ASSERT_EQ(d.grappe.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<EstablishmentInvited>(d.grappe[0]));
  EXPECT_TRUE(std::holds_alternative<InvitationAccepted>(d.grappe[1]));
  ASSERT_EQ(d.esms.size(), 1u);
  EXPECT_EQ(d.esms[0].finess, w.et_a[0]);
  EXPECT_EQ(d.esms[0].expected_version, 0u);
  EXPECT_EQ(std::get<MembershipRecorded>(d.esms[0].events[0]),
            (MembershipRecorded{"g", "default"}));
  const auto& invited = std::get<EstablishmentInvited>(d.grappe[0]);
  EXPECT_EQ(invited.ej, w.og_a);
  EXPECT_EQ(invited.departement, "33");
  EXPECT_EQ(w.state("g").member(w.et_a[0])->status, MemberStatus::kAccepted);
}

TEST(DecideInvite, RefusesUnknownAndAlreadyInvitedEstablishments) {
  World w;
  w.create("g", w.porteur, w.og_a);
  EXPECT_EQ(w.run("g", w.porteur, InviteEstablishment{"330099995", ""}).error().code,
            RejectionCode::kNotFound);
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  auto again = w.run("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  EXPECT_EQ(again.error().code, RejectionCode::kInvalidState);
  EXPECT_EQ(again.error().details["memberStatus"], "invited");
  // Declined establishments may be invited again.
  w.must("g", w.manager_b, DeclineInvitation{w.et_b[0], ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], "Et maintenant ?"});
  EXPECT_EQ(w.state("g").counts.invited, 1);
  EXPECT_EQ(w.state("g").counts.declined, 0);
}

TEST(DecideAccept, RejectsSecondGrappeForSameEstablishment) {
  World w;
  w.create("g1", w.porteur, w.og_a);
  User porteur_c{"u-c2", "C", Role::kGestionnaire, {w.og_c}, {}};
  w.create("g2", porteur_c, w.og_c);
  w.must("g1", w.porteur, InviteEstablishment{w.et_b[0], ""});
  w.must("g2", porteur_c, InviteEstablishment{w.et_b[0], ""});
  // Both accepts decided against the same establishment stream expect the same version: the
  // store lets only one through.
  const World before = w;
  World racing = before;
  const Decision first = w.must("g1", w.manager_b, AcceptInvitation{w.et_b[0]});
  auto second = decide(racing.state("g2"), AcceptInvitation{w.et_b[0]},
                       racing.context(racing.manager_b, "g2"));
  ASSERT_TRUE(second);
  EXPECT_EQ(first.esms[0].expected_version, second->esms[0].expected_version);
  // Decided again after the first one is stored: rule_violation.
  auto retried = w.run("g2", w.manager_b, AcceptInvitation{w.et_b[0]});
  ASSERT_FALSE(retried);
  EXPECT_EQ(retried.error().code, RejectionCode::kRuleViolation);
  EXPECT_EQ(retried.error().details["rule"], "exclusive_membership");
  EXPECT_EQ(retried.error().details["grappe"], "g1");
  // After withdrawing from g1, it may join g2.
  const Decision withdrawn = w.must("g1", w.manager_b, WithdrawMembership{w.et_b[0], "départ"});
  EXPECT_EQ(std::get<MembershipEnded>(withdrawn.esms[0].events[0]).reason, "withdrawn");
  EXPECT_EQ(withdrawn.esms[0].expected_version, 1u);
  w.must("g2", w.manager_b, AcceptInvitation{w.et_b[0]});
  EXPECT_EQ(w.esms[w.et_b[0]].accepted_in("default")->grappe, "g2");
}

TEST(DecideAccept, PorteurOwnEstablishmentTakenElsewhereStaysInvited) {
  World w;
  w.create("g1", w.porteur, w.og_a);
  w.create("g2", w.porteur, w.og_a);
  w.must("g1", w.porteur, InviteEstablishment{w.et_a[0], ""});
  const Decision d = w.must("g2", w.porteur, InviteEstablishment{w.et_a[0], ""});
  EXPECT_EQ(d.grappe.size(), 1u);
  EXPECT_TRUE(d.esms.empty());
  EXPECT_EQ(w.state("g2").member(w.et_a[0])->status, MemberStatus::kInvited);
}

TEST(DecideMembers, NamesTheMissingOrWronglyPlacedMember) {
  World w;
  w.create("g", w.porteur, w.og_a);
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  EXPECT_EQ(w.run("g", w.manager_b, AcceptInvitation{w.et_b[1]}).error().code,
            RejectionCode::kNotFound);
  EXPECT_EQ(w.run("g", w.manager_b, WithdrawMembership{w.et_b[0], "x"}).error().code,
            RejectionCode::kInvalidState);
  EXPECT_EQ(w.run("g", w.porteur, RemoveMember{w.et_b[0], "x"}).error().code,
            RejectionCode::kInvalidState);
  EXPECT_EQ(w.run("g", w.porteur, RemoveMember{w.et_b[1], "x"}).error().code,
            RejectionCode::kNotFound);
  EXPECT_EQ(w.run("g", w.porteur, RevokeInvitation{w.et_b[1]}).error().code,
            RejectionCode::kNotFound);
  w.must("g", w.manager_b, AcceptInvitation{w.et_b[0]});
  EXPECT_EQ(w.run("g", w.manager_b, AcceptInvitation{w.et_b[0]}).error().code,
            RejectionCode::kInvalidState);
  EXPECT_EQ(w.run("g", w.manager_b, DeclineInvitation{w.et_b[0], ""}).error().code,
            RejectionCode::kInvalidState);
  EXPECT_EQ(w.run("g", w.porteur, RevokeInvitation{w.et_b[0]}).error().code,
            RejectionCode::kInvalidState);
  const Decision removed = w.must("g", w.porteur, RemoveMember{w.et_b[0], "hors projet"});
  EXPECT_EQ(std::get<MembershipEnded>(removed.esms[0].events[0]).reason, "removed");
  EXPECT_EQ(w.esms[w.et_b[0]].memberships[0].status, "removed");
}

TEST(DecideSubmit, FailingRuleKeepsTheGrappeOpen) {
  World w;
  w.create("g", w.porteur, w.og_a);
  w.must("g", w.porteur, InviteEstablishment{w.et_a[0], ""});
  const Decision d = w.must("g", w.porteur, SubmitDossier{});
  ASSERT_EQ(d.grappe.size(), 1u);
  const auto& v = std::get<ValidationCompleted>(d.grappe[0]);
  EXPECT_FALSE(v.report.eligible);
  EXPECT_EQ(v.report.members, 1);
  EXPECT_EQ(w.state("g").status, GrappeStatus::kOpen);
  EXPECT_EQ(w.state("g").last_validation, v.report);
}

TEST(DecideSubmit, EligibleGrappeIsSubmittedThenDecided) {
  World w;
  w.create("g", w.porteur, w.og_a);
  for (const auto& f : w.et_a) w.must("g", w.porteur, InviteEstablishment{f, ""});
  for (std::size_t i = 0; i < 3; ++i) {
    w.must("g", w.porteur, InviteEstablishment{w.et_b[i], ""});
    w.must("g", w.manager_b, AcceptInvitation{w.et_b[i]});
  }
  // A third organisation (min_organisations: og_a alone has fewer than 15).
  w.must("g", w.porteur, InviteEstablishment{w.et_c[0], ""});
  w.must("g", w.outsider_c, AcceptInvitation{w.et_c[0]});
  ASSERT_GE(w.state("g").counts.accepted, 15);
  const Decision d = w.must("g", w.porteur, SubmitDossier{});
  ASSERT_EQ(d.grappe.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<DossierSubmitted>(d.grappe[1]));
  w.must("g", w.porteur, ReopenDossier{"ajout"});
  EXPECT_EQ(w.state("g").status, GrappeStatus::kOpen);
  w.must("g", w.porteur, SubmitDossier{});
  w.must("g", w.ars, RecordDecision{true, "Retenu"});
  const Json j = to_json(w.state("g"));
  EXPECT_EQ(j["status"], "accepted");
  EXPECT_EQ(j["decision"]["decision"], "accepted");
  EXPECT_EQ(j["decision"]["by"]["id"], "u-ars");
  EXPECT_TRUE(j["decision"]["at"].is_string());
  EXPECT_EQ(j["lastValidation"]["eligible"], true);
  EXPECT_TRUE(j["lastValidation"]["at"].is_string());
}

TEST(DecideSubmit, RefusedAfterTheDeadline) {
  World w(
      *CallConfig::parse(Json::parse(R"({"calls":[{"id":"default","deadline":"2026-11-23"}]})")));
  w.create("g", w.porteur, w.og_a);
  w.now = *parse_timestamp("2026-11-24T00:00:00Z");
  auto d = w.run("g", w.porteur, SubmitDossier{});
  EXPECT_EQ(d.error().code, RejectionCode::kRuleViolation);
  EXPECT_EQ(d.error().details["rule"], "deadline");
}

TEST(DecideSubmit, UnknownCallFallsBackToBuiltinThresholds) {
  World w;
  w.create("g", w.porteur, w.og_a);
  w.config.calls[0].id = "renamed";
  const Decision d = w.must("g", w.porteur, RequestValidation{});
  EXPECT_EQ(std::get<ValidationCompleted>(d.grappe[0]).report.threshold, 15);
}

TEST(DecideDetails, UpdatesOnlyTheGivenFields) {
  World w;
  w.create("g", w.porteur, w.og_a);
  w.must("g", w.porteur, UpdateDetails{{}, "Description", Dui{"Editeur", "DUI"}});
  w.must("g", w.porteur, UpdateDetails{"Nouveau nom", {}, {}});
  const Json j = to_json(w.state("g"));
  EXPECT_EQ(j["name"], "Nouveau nom");
  EXPECT_EQ(j["description"], "Description");
  EXPECT_EQ(j["dui"]["software"], "DUI");
}

TEST(DecideComment, CommentsAreKeptWithTheirAuthor) {
  World w;
  w.create("g", w.porteur, w.og_a);
  w.must("g", w.ars, PostComment{"Pensez au calendrier."});
  const Json j = to_json(w.state("g"));
  ASSERT_EQ(j["comments"].size(), 1u);
  EXPECT_EQ(j["comments"][0]["by"]["name"], "Anne ARS");
  EXPECT_EQ(j["comments"][0]["text"], "Pensez au calendrier.");
}

TEST(DecideContext, WorksWithoutAnEsmsLookup) {
  World w;
  w.create("g", w.porteur, w.og_a);
  Context ctx = w.context(w.porteur, "g");
  ctx.esms = nullptr;
  auto d = decide(w.state("g"), InviteEstablishment{w.et_a[0], ""}, ctx);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->esms[0].expected_version, 0u);
}

}  // namespace
}  // namespace grappe::domain
