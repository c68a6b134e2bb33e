#include "grappe/domain/rules.h"

#include <gtest/gtest.h>

#include "world.h"

namespace grappe::domain {
namespace {

using testing::World;

const RuleResult& rule(const ValidationReport& r, std::string_view name) {
  for (const auto& x : r.rules)
    if (x.rule == name) return x;
  throw std::logic_error("no rule");
}

// A grappe of og_a with `n` of its own establishments accepted.
World with_members(int n, CallConfig config = CallConfig::builtin()) {
  World w(std::move(config));
  w.create("g", w.porteur, w.og_a);
  for (int i = 0; i < n; ++i) w.must("g", w.porteur, InviteEstablishment{w.et_a[i], ""});
  return w;
}

EsmsLookup lookup(World& w) {
  return [&w](const std::string& f) { return w.esms[f]; };
}

TEST(RuleMinSize, PassAtThresholdFailBelowWarnWhenReviewed) {
  World w = with_members(13);
  Call call = *w.config.find("default");
  EXPECT_EQ(rule_min_size(w.state("g"), w.registry, call, {}).outcome, Outcome::kFail);
  call.threshold = 13;
  EXPECT_EQ(rule_min_size(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  call.threshold = 14;
  call.small_projects_reviewed = true;
  const auto warn = rule_min_size(w.state("g"), w.registry, call, {});
  EXPECT_EQ(warn.outcome, Outcome::kWarn);
  EXPECT_NE(warn.detail.find("au moins 14"), std::string::npos) << warn.detail;
}

TEST(RuleMinSize, OverseasAndCorsicaUseTheirThreshold) {
  World w;
  User corse{"u-corse", "Corse", Role::kGestionnaire, {w.og_corse}, {}};
  w.create("h", corse, w.og_corse, "94");
  for (const Establishment* e : w.registry.by_ej(w.og_corse))
    w.must("h", corse, InviteEstablishment{e->finess, ""});
  const auto r = rule_min_size(w.state("h"), w.registry, *w.config.find("default"), {});
  EXPECT_EQ(r.outcome, Outcome::kFail);  // 7 < 8
  EXPECT_NE(r.detail.find("outre-mer ou Corse"), std::string::npos);
}

TEST(RuleSameRegion, WarnsForMembersOutsideTheRegion) {
  World w = with_members(1);
  const Call& call = *w.config.find("default");
  EXPECT_EQ(rule_same_region(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  User reunion{"u-re", "R", Role::kGestionnaire, {w.og_reunion}, {}};
  const std::string f = w.registry.by_ej(w.og_reunion)[0]->finess;
  w.must("g", w.porteur, InviteEstablishment{f, ""});
  w.must("g", reunion, AcceptInvitation{f});
  const auto r = rule_same_region(w.state("g"), w.registry, call, {});
  EXPECT_EQ(r.outcome, Outcome::kWarn);
  EXPECT_EQ(r.finess, std::vector<std::string>{f});
}

TEST(RuleExclusiveMembership, FailsForMembersAcceptedElsewhere) {
  World w = with_members(2);
  const Call& call = *w.config.find("default");
  EXPECT_EQ(rule_exclusive_membership(w.state("g"), w.registry, call, lookup(w)).outcome,
            Outcome::kPass);
  EXPECT_EQ(rule_exclusive_membership(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  // A history written before the invariant held: the stream says "elsewhere".
  w.esms[w.et_a[1]].memberships.push_back({"other", "default", "accepted"});
  const auto r = rule_exclusive_membership(w.state("g"), w.registry, call, lookup(w));
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.finess, std::vector<std::string>{w.et_a[1]});
}

TEST(RuleEligibleCategory, FailsForHealthWarnsForUnclassified) {
  World w;
  User d{"u-d", "D", Role::kGestionnaire, {}, {}};
  std::string hospital;
  for (const auto& e : w.registry.establishments())
    if (e.category == "355") hospital = e.finess;
  ASSERT_FALSE(hospital.empty());
  const std::string og = w.registry.find(hospital)->ej;
  d.og = {og};
  w.create("g", d, og);
  const Call& call = *w.config.find("default");
  w.must("g", d, InviteEstablishment{w.registry.by_ej(og)[0]->finess, ""});
  EXPECT_EQ(rule_eligible_category(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  w.registry.add(
      {"330099995", og, "", "Service X (fictif)", "999", "", "33", "75", "Cenon", false});
  w.must("g", d, InviteEstablishment{"330099995", ""});
  EXPECT_EQ(rule_eligible_category(w.state("g"), w.registry, call, {}).outcome, Outcome::kWarn);
  w.must("g", d, InviteEstablishment{hospital, ""});
  const auto r = rule_eligible_category(w.state("g"), w.registry, call, {});
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.finess, std::vector<std::string>{hospital});
}

TEST(RuleKnownEstablishment, FailsWhenTheRegistryNoLongerHasAMember) {
  World w = with_members(2);
  const Call& call = *w.config.find("default");
  EXPECT_EQ(rule_known_establishment(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  const Registry empty;
  const auto r = rule_known_establishment(w.state("g"), empty, call, {});
  EXPECT_EQ(r.outcome, Outcome::kFail);
  EXPECT_EQ(r.finess.size(), 2u);
}

TEST(RulePendingInvitations, WarnsWhileInvitationsWait) {
  World w = with_members(1);
  const Call& call = *w.config.find("default");
  EXPECT_EQ(rule_pending_invitations(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  const auto r = rule_pending_invitations(w.state("g"), w.registry, call, {});
  EXPECT_EQ(r.outcome, Outcome::kWarn);
  EXPECT_EQ(r.finess, std::vector<std::string>{w.et_b[0]});
}

TEST(Validate, ReportsEveryRuleInOrder) {
  World w = with_members(13);
  const auto report = validate(w.state("g"), w.registry, *w.config.find("default"), lookup(w));
  ASSERT_EQ(report.rules.size(), all_rules().size());
  for (std::size_t i = 0; i < report.rules.size(); ++i)
    EXPECT_EQ(report.rules[i].rule, all_rules()[i].name);
  EXPECT_FALSE(report.eligible);
  EXPECT_EQ(rule(report, "min_size").outcome, Outcome::kFail);
  EXPECT_EQ(report.members, 13);
  EXPECT_EQ(report.threshold, 15);
  EXPECT_EQ(report.registry, w.registry.label());
}

TEST(WhatIf, ListsThePendingInvitationsThatWouldMakeItEligible) {
  World w = with_members(13);
  for (int i = 0; i < 3; ++i) w.must("g", w.porteur, InviteEstablishment{w.et_b[i], ""});
  const std::string hospital = w.registry.search("centre hospitalier", "", "", 1)[0]->finess;
  w.must("g", w.porteur, InviteEstablishment{hospital, ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_c[0], ""});  // a third organisation
  // One of them is already accepted in another grappe of the call.
  w.esms[w.et_b[2]].memberships.push_back({"other", "default", "accepted"});
  const WhatIf r = what_if(w.state("g"), w.registry, *w.config.find("default"), lookup(w));
  EXPECT_FALSE(r.eligible_now);
  EXPECT_EQ(r.missing, 2);
  EXPECT_EQ(r.pending, (std::vector<std::string>{w.et_b[0], w.et_b[1], w.et_c[0]}));
  EXPECT_TRUE(r.reachable_with_pending);
  EXPECT_TRUE(r.blocking.empty());
  const auto j = to_json(r);
  EXPECT_EQ(j["missing"], 2);
  EXPECT_EQ(j["pending"].size(), 3u);
}

TEST(WhatIf, NamesBlockingRulesAndUnclassifiedLast) {
  World w = with_members(1);
  w.registry.add(
      {"330099995", w.og_b, "", "Service X (fictif)", "999", "", "33", "75", "Cenon", false});
  w.must("g", w.porteur, InviteEstablishment{"330099995", ""});
  w.must("g", w.porteur, InviteEstablishment{w.et_b[0], ""});
  const Registry empty;
  const WhatIf r = what_if(w.state("g"), empty, *w.config.find("default"), {});
  EXPECT_EQ(r.blocking, std::vector<std::string>{"known_establishment"});
  EXPECT_TRUE(r.pending.empty());
  const WhatIf r2 = what_if(w.state("g"), w.registry, *w.config.find("default"), {});
  EXPECT_EQ(r2.pending, (std::vector<std::string>{w.et_b[0], "330099995"}));
  EXPECT_FALSE(r2.reachable_with_pending);
}

}  // namespace
}  // namespace grappe::domain
