// The programme's rules added with the FINESS+ registry (PROTOCOL.md v2 "Registry"):
// min_organisations, open_establishment, max_size; their call configuration and the what-if.
#include <gtest/gtest.h>

#include "grappe/domain/rules.h"
#include "world.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;
using testing::World;

Call default_call(const World& w) {
  return *w.config.find("default");
}

EsmsLookup lookup(World& w) {
  return [&w](const std::string& f) { return w.esms[f]; };
}

// A copy of `like` under another FINESS, optionally closed on `closed_on`.
Establishment copy_of(const Establishment& like, std::string finess, std::string closed_on = "") {
  Establishment e = like;
  e.finess = std::move(finess);
  e.name = "Copie " + e.finess + " (fictif)";
  e.closed_on = std::move(closed_on);
  return e;
}

// A grappe "g" of og_a with its first `n` establishments accepted (the porteur's own join at
// once); og_a gets fictitious establishments up to 16 (the demo registry gives it fewer than 15).
World og_a_alone(int n, CallConfig config = CallConfig::builtin()) {
  World w(std::move(config));
  const Establishment like = *w.registry.find(w.et_a[0]);
  for (int i = static_cast<int>(w.et_a.size()); i < 16; ++i) {
    const std::string f = "3300990" + std::to_string(10 + i);
    if (!w.registry.add(copy_of(like, f))) throw std::logic_error("FINESS taken: " + f);
    w.et_a.push_back(f);
  }
  w.create("g", w.porteur, w.og_a);
  for (int i = 0; i < n; ++i) w.must("g", w.porteur, InviteEstablishment{w.et_a[i], ""});
  return w;
}

// Invites `finess` into "g" and has `user` accept it.
void join(World& w, const std::string& finess, const User& user) {
  w.must("g", w.porteur, InviteEstablishment{finess, ""});
  w.must("g", user, AcceptInvitation{finess});
}

TEST(RuleMinOrganisations, PassesWithThreeOrganisationsFailsWithTwo) {
  World w = og_a_alone(3);
  const Call call = default_call(w);
  join(w, w.et_b[0], w.manager_b);
  const auto two = rule_min_organisations(w.state("g"), w.registry, call, {});
  EXPECT_EQ(two.rule, "min_organisations");
  EXPECT_EQ(two.outcome, Outcome::kFail);
  EXPECT_NE(two.detail.find("2 organismes gestionnaires distincts ; il en faut au moins 3"),
            std::string::npos)
      << two.detail;
  EXPECT_TRUE(two.finess.empty());  // no establishment is at fault
  join(w, w.et_c[0], w.outsider_c);
  const auto three = rule_min_organisations(w.state("g"), w.registry, call, {});
  EXPECT_EQ(three.outcome, Outcome::kPass);
  EXPECT_NE(three.detail.find("3 organismes gestionnaires distincts pour un minimum de 3"),
            std::string::npos)
      << three.detail;
}

TEST(RuleMinOrganisations, WarnsWhenTheCallLetsTheArsReviewSmallProjects) {
  World w = og_a_alone(3);
  Call call = default_call(w);
  call.small_projects_reviewed = true;
  const auto r = rule_min_organisations(w.state("g"), w.registry, call, {});
  EXPECT_EQ(r.outcome, Outcome::kWarn);
  EXPECT_NE(r.detail.find("au cas par cas"), std::string::npos) << r.detail;
}

TEST(RuleMinOrganisations, AnOrganisationOfFifteenMayApplyAlone) {
  World w = og_a_alone(14);
  EXPECT_EQ(rule_min_organisations(w.state("g"), w.registry, default_call(w), {}).outcome,
            Outcome::kFail);  // 14 < 15: a small OG must group with others
  w.must("g", w.porteur, InviteEstablishment{w.et_a[14], ""});
  ASSERT_EQ(w.state("g").counts.accepted, 15);
  const auto r = rule_min_organisations(w.state("g"), w.registry, default_call(w), {});
  EXPECT_EQ(r.outcome, Outcome::kPass);
  EXPECT_NE(r.detail.find("réunit à lui seul 15 établissements membres"), std::string::npos)
      << r.detail;
  EXPECT_NE(r.detail.find("candidat seul"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find(w.og_a), std::string::npos) << r.detail;
  const auto report = validate(w.state("g"), w.registry, default_call(w), lookup(w));
  EXPECT_TRUE(report.eligible);
}

TEST(RuleMinOrganisations, OverseasAndCorsicaNeedTwo) {
  World w;
  User corse{"u-corse", "Corse", Role::kGestionnaire, {w.og_corse}, {}};
  User reunion{"u-re", "Réunion", Role::kGestionnaire, {w.og_reunion}, {}};
  w.create("h", corse, w.og_corse, "94");
  for (const Establishment* e : w.registry.by_ej(w.og_corse))
    w.must("h", corse, InviteEstablishment{e->finess, ""});
  const Call call = default_call(w);
  const auto alone = rule_min_organisations(w.state("h"), w.registry, call, {});
  EXPECT_EQ(alone.outcome, Outcome::kFail);  // one OG of 7 < 8
  EXPECT_NE(alone.detail.find("au moins 2 (outre-mer ou Corse)"), std::string::npos)
      << alone.detail;
  const std::string f = w.registry.by_ej(w.og_reunion)[0]->finess;
  w.must("h", corse, InviteEstablishment{f, ""});
  w.must("h", reunion, AcceptInvitation{f});
  const auto two = rule_min_organisations(w.state("h"), w.registry, call, {});
  EXPECT_EQ(two.outcome, Outcome::kPass) << two.detail;
  EXPECT_EQ(validate(w.state("h"), w.registry, call, lookup(w)).eligible, true);
}

TEST(RuleMaxSize, FailsAboveTheCallsMaximumOnly) {
  World w = og_a_alone(13);
  Call call = default_call(w);
  const auto unlimited = rule_max_size(w.state("g"), w.registry, call, {});
  EXPECT_EQ(unlimited.rule, "max_size");
  EXPECT_EQ(unlimited.outcome, Outcome::kPass);
  call.max_members = 13;
  EXPECT_EQ(rule_max_size(w.state("g"), w.registry, call, {}).outcome, Outcome::kPass);
  call.max_members = 12;
  const auto over = rule_max_size(w.state("g"), w.registry, call, {});
  EXPECT_EQ(over.outcome, Outcome::kFail);
  EXPECT_NE(over.detail.find("au plus 12 : 1 membre est en trop"), std::string::npos)
      << over.detail;
}

TEST(RuleOpenEstablishment, ClosedMembersFailAnnouncedClosuresWarn) {
  World w = og_a_alone(2);
  const Call call = default_call(w);
  EXPECT_EQ(rule_open_establishment(w.state("g"), w.registry, call, {}, "2026-11-23").outcome,
            Outcome::kPass);
  // Open when invited (closure announced for after w.now), accepted at once (porteur's own).
  const std::string f = "330099101";
  ASSERT_TRUE(w.registry.add(copy_of(*w.registry.find(w.et_a[0]), f, "2027-01-31")));
  w.must("g", w.porteur, InviteEstablishment{f, ""});
  ASSERT_EQ(w.state("g").member(f)->status, MemberStatus::kAccepted);
  const auto soon = rule_open_establishment(w.state("g"), w.registry, call, {}, "2026-11-23");
  EXPECT_EQ(soon.outcome, Outcome::kWarn);
  EXPECT_EQ(soon.finess, std::vector<std::string>{f});
  EXPECT_NE(soon.detail.find("fermeture le 31/01/2027"), std::string::npos) << soon.detail;
  for (std::string_view day : {"2027-01-31", "2027-06-01", ""}) {  // no clock: closed
    const auto r = rule_open_establishment(w.state("g"), w.registry, call, {}, day);
    EXPECT_EQ(r.outcome, Outcome::kFail) << day;
    EXPECT_EQ(r.finess, std::vector<std::string>{f});
    EXPECT_NE(r.detail.find("Copie 330099101 (fictif) (330099101, fermé le 31/01/2027)"),
              std::string::npos)
        << r.detail;
  }
  // The validation of decide() judges by ctx.now's date.
  w.now = *parse_timestamp("2027-02-01T08:00:00Z");
  const Decision d = w.must("g", w.porteur, RequestValidation{});
  const auto& report = std::get<ValidationCompleted>(d.grappe[0]).report;
  EXPECT_FALSE(report.eligible);
  bool seen = false;
  for (const auto& r : report.rules)
    if (r.rule == "open_establishment") seen = r.outcome == Outcome::kFail;
  EXPECT_TRUE(seen);
}

TEST(RuleOpenEstablishment, InvitingAClosedEstablishmentIsRefused) {
  World w;
  w.create("g", w.porteur, w.og_a);
  const std::string f = "640099102";
  ASSERT_TRUE(w.registry.add(copy_of(*w.registry.find(w.et_b[0]), f, "2025-03-12")));
  const auto refused = w.run("g", w.porteur, InviteEstablishment{f, ""});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, RejectionCode::kRuleViolation);
  EXPECT_EQ(refused.error().details["rule"], "open_establishment");
  EXPECT_EQ(refused.error().details["finess"], f);
  EXPECT_EQ(refused.error().details["closedOn"], "2025-03-12");
  EXPECT_EQ(refused.error().message,
            "Cet établissement est fermé au répertoire FINESS depuis le 12/03/2025 : il ne peut "
            "pas être invité.");
  EXPECT_EQ(w.state("g").member(f), nullptr);
  // The day of its closure already counts; the day before does not.
  const std::string g = "640099103";
  ASSERT_TRUE(w.registry.add(copy_of(*w.registry.find(w.et_b[0]), g, "2026-11-23")));
  EXPECT_FALSE(w.run("g", w.porteur, InviteEstablishment{g, ""}));
  w.now = *parse_timestamp("2026-11-22T23:59:59Z");
  EXPECT_TRUE(w.run("g", w.porteur, InviteEstablishment{g, ""}));
}

TEST(RuleOpenEstablishment, AcceptingOnceClosedIsRefused) {
  World w;
  w.create("g", w.porteur, w.og_a);
  const std::string f = "640099102";
  ASSERT_TRUE(w.registry.add(copy_of(*w.registry.find(w.et_b[0]), f, "2026-12-01")));
  w.must("g", w.porteur, InviteEstablishment{f, ""});  // open then: its closure is announced
  w.now = *parse_timestamp("2026-12-01T09:00:00Z");
  const auto refused = w.run("g", w.manager_b, AcceptInvitation{f});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, RejectionCode::kRuleViolation);
  EXPECT_EQ(refused.error().details["rule"], "open_establishment");
  EXPECT_EQ(refused.error().message,
            "Cet établissement est fermé au répertoire FINESS depuis le 01/12/2026 : il ne peut "
            "pas rejoindre la grappe.");
  EXPECT_EQ(w.state("g").member(f)->status, MemberStatus::kInvited);
  EXPECT_TRUE(w.run("g", w.manager_b, DeclineInvitation{f, "fermé"}));  // declining still works
}

TEST(ProgrammeRules, AreReportedByEveryValidation) {
  World w = og_a_alone(1);
  const auto report = validate(w.state("g"), w.registry, default_call(w), lookup(w));
  std::vector<std::string> names;
  for (const auto& r : report.rules) names.push_back(r.rule);
  EXPECT_EQ(names, (std::vector<std::string>{"min_size", "min_organisations", "max_size",
                                             "same_region", "exclusive_membership",
                                             "eligible_category", "known_establishment",
                                             "open_establishment", "pending_invitations"}));
}

TEST(CallConfigRules, DefaultsAndParsedValues) {
  const Call builtin = *CallConfig::builtin().find("default");
  EXPECT_EQ(builtin.min_organisations_for("75"), 3);
  EXPECT_EQ(builtin.min_organisations_for("94"), 2);
  EXPECT_EQ(builtin.min_organisations_for("04"), 2);
  EXPECT_EQ(builtin.max_members, std::nullopt);
  auto c = CallConfig::parse(Json::parse(R"({"calls":[
    {"id":"a","minOrganisations":4,"minOrganisationsOverseasCorsica":1,"maxMembers":30},
    {"id":"b","maxMembers":null},
    {"id":"c","regions":["94"],"threshold":20,"thresholdOverseasCorsica":8,"maxMembers":10}]})"));
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->find("a")->min_organisations_for("75"), 4);
  EXPECT_EQ(c->find("a")->min_organisations_for("06"), 1);
  EXPECT_EQ(c->find("a")->max_members, 30);
  EXPECT_EQ(c->find("b")->max_members, std::nullopt);
  EXPECT_EQ(c->find("b")->min_organisations, 3);
  EXPECT_EQ(c->find("c")->max_members, 10);  // only Corsica: its threshold 8 applies
}

TEST(CallConfigRules, RejectsBadValuesNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"calls":[{"id":"a","minOrganisations":0}]})", "'minOrganisations' hors de 1–10000"},
      {R"({"calls":[{"id":"a","minOrganisations":"3"}]})", "minOrganisations"},
      {R"({"calls":[{"id":"a","minOrganisationsOverseasCorsica":10001}]})",
       "'minOrganisationsOverseasCorsica' hors de 1–10000"},
      {R"({"calls":[{"id":"a","maxMembers":0}]})", "'maxMembers' hors de 1–10000"},
      {R"({"calls":[{"id":"a","maxMembers":2.5}]})", "maxMembers"},
      {R"({"calls":[{"id":"a","maxMembers":14}]})", "'maxMembers' (14) inférieur au seuil"},
      {R"({"calls":[{"id":"a","regions":["94"],"maxMembers":7}]})", "seuil de l'appel (8)"}};
  for (const auto& [text, why] : bad) {
    auto c = CallConfig::parse(Json::parse(text));
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().rfind("config: calls[0]: ", 0), 0u) << c.error();
    EXPECT_NE(c.error().find(why), std::string::npos) << c.error();
  }
}

TEST(WhatIfProgrammeRules, CountsOrganisationsAndLeavesClosedInvitationsOut) {
  World w = og_a_alone(13);
  const Call call = default_call(w);
  for (int i = 0; i < 2; ++i) w.must("g", w.porteur, InviteEstablishment{w.et_b[i], ""});
  WhatIf r = what_if(w.state("g"), w.registry, call, lookup(w), "2026-11-23");
  EXPECT_EQ(r.missing, 2);
  EXPECT_EQ(r.pending.size(), 2u);
  EXPECT_EQ(r.organisations, 1);
  EXPECT_EQ(r.min_organisations, 3);
  EXPECT_EQ(r.organisations_with_pending, 2);
  EXPECT_FALSE(r.organisations_ok);
  EXPECT_FALSE(r.reachable_with_pending);  // 15 members, but of two organisations only
  EXPECT_TRUE(r.blocking.empty());         // acceptances can fix min_organisations
  // An invitation of a third organisation, whose closure is announced.
  const std::string f = "170099104";
  ASSERT_TRUE(w.registry.add(copy_of(*w.registry.find(w.et_c[0]), f, "2027-01-31")));
  w.must("g", w.porteur, InviteEstablishment{f, ""});
  r = what_if(w.state("g"), w.registry, call, lookup(w), "2026-11-23");
  EXPECT_EQ(r.organisations_with_pending, 3);
  EXPECT_TRUE(r.reachable_with_pending);
  const Json j = to_json(r);
  EXPECT_EQ(j["organisationsWithPending"], 3);
  EXPECT_EQ(j["minOrganisations"], 3);
  EXPECT_TRUE(j["maxMembers"].is_null());
  // Once it is closed, its acceptance would not count.
  r = what_if(w.state("g"), w.registry, call, lookup(w), "2027-02-01");
  EXPECT_EQ(r.pending, (std::vector<std::string>{w.et_b[0], w.et_b[1]}));
  EXPECT_FALSE(r.reachable_with_pending);
}

TEST(WhatIfProgrammeRules, MaxSizeBlocksAndBoundsTheReach) {
  World w = og_a_alone(13);
  Call call = default_call(w);
  call.max_members = 12;
  const WhatIf over = what_if(w.state("g"), w.registry, call, lookup(w));
  EXPECT_EQ(over.blocking, std::vector<std::string>{"max_size"});
  EXPECT_EQ(over.max_members, 12);
  EXPECT_EQ(to_json(over)["maxMembers"], 12);
  EXPECT_FALSE(over.reachable_with_pending);
}

}  // namespace
}  // namespace grappe::domain
