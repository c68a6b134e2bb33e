// Partner suggestions: ranking, exclusions, availability, reasons that add up to the score.
#include "grappe/domain/suggestions.h"

#include <gtest/gtest.h>

#include <numeric>

namespace grappe::domain {
namespace {

constexpr const char* kPorteur = "330001009";

Establishment et(std::string finess, std::string ej, std::string category, std::string dep,
                 std::string region, std::optional<GeoPoint> where = std::nullopt) {
  Establishment e;
  e.finess = std::move(finess);
  e.ej = std::move(ej);
  e.name = "ET " + e.finess;
  e.category = std::move(category);
  e.departement = std::move(dep);
  e.region = std::move(region);
  e.commune = "Commune";
  e.in_scope = e.category != "355";
  e.location = where;
  return e;
}

// A grappe folded from events: created with `dui`, then each (finess, status) member.
GrappeState grappe(const std::string& id, const std::string& call, const Registry& registry,
                   std::vector<std::pair<std::string, MemberStatus>> members,
                   std::optional<Dui> dui = std::nullopt) {
  GrappeState s;
  std::uint64_t v = 0;
  auto apply = [&](Event e) { s = evolve(s, e, EventMeta{++v, "2026-01-01T00:00:00.000Z"}); };
  apply(GrappeCreated{id, "Grappe " + id, call, "75", kPorteur, "", dui, 15});
  for (const auto& [finess, status] : members) {
    const Establishment* e = registry.find(finess);
    apply(EstablishmentInvited{finess, e->ej, e->name, e->category, e->departement, ""});
    if (status == MemberStatus::kAccepted) apply(InvitationAccepted{finess});
    if (status == MemberStatus::kDeclined) apply(InvitationDeclined{finess, ""});
    if (status == MemberStatus::kRevoked) apply(InvitationRevoked{finess});
  }
  return s;
}

EstablishmentProfile profile(std::optional<std::string> software, bool looking = false) {
  EstablishmentProfile p;
  if (software) p.dui = Dui{"Éditeur " + *software, *software};
  if (looking) p.looking_for_grappe = true;
  return p;
}

std::vector<std::string> finesses(const std::vector<Suggestion>& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(s.establishment->finess);
  return out;
}

const Suggestion* find(const std::vector<Suggestion>& list, const std::string& finess) {
  for (const auto& s : list)
    if (s.establishment->finess == finess) return &s;
  return nullptr;
}

class Suggestions : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto e : {et("330000011", kPorteur, "500", "33", "75"),      // member
                   et("330000029", "330009999", "183", "33", "75"),   // same dép., same software
                   et("130000037", "130009999", "246", "13", "93"),   // far, another public
                   et("330000045", "330008888", "500", "33", "75"),   // same dép. and category
                   et("330000052", "330007777", "500", "33", "75"),   // accepted elsewhere
                   et("330000060", "330006666", "500", "33", "75"),   // invited elsewhere
                   et("330000078", "330005555", "355", "33", "75"),   // a hospital
                   et("330000086", "330004444", "500", "33", "75"),   // declined here
                   et("330000094", "330003333", "500", "33", "75")})  // revoked here
      registry_.add(e);
    facts_.profiles["330000011"] = profile("Logiciel A");
    facts_.profiles["330000029"] = profile("logiciel a ");  // case and spaces do not matter
    facts_.profiles["330000052"] = profile("Logiciel A", true);
    grappe_ = grappe("g", "default", registry_,
                     {{"330000011", MemberStatus::kAccepted},
                      {"330000086", MemberStatus::kDeclined},
                      {"330000094", MemberStatus::kRevoked}});
    const auto other =
        grappe("h", "default", registry_,
               {{"330000052", MemberStatus::kAccepted}, {"330000060", MemberStatus::kInvited}});
    facts_.add_other_grappe(grappe_, other);
  }

  Registry registry_;
  PartnerFacts facts_;
  GrappeState grappe_;
};

TEST_F(Suggestions, SameSoftwareInTheSameDepartementBeatsADistantOneOfAnotherPublic) {
  const auto list = suggest_partners(grappe_, registry_, facts_);
  const auto order = finesses(list);
  const auto pos = [&](const std::string& f) {
    return std::find(order.begin(), order.end(), f) - order.begin();
  };
  ASSERT_NE(find(list, "330000029"), nullptr);
  ASSERT_NE(find(list, "130000037"), nullptr);
  EXPECT_LT(pos("330000029"), pos("130000037"));
  EXPECT_LT(pos("330000029"), pos("330000045"));  // software outweighs the same category
  EXPECT_EQ(find(list, "330000029")->score, 55);
  EXPECT_EQ(find(list, "130000037")->score, 0);
}

TEST_F(Suggestions, AcceptedElsewhereNeverAppearsUnlessAskedThenLast) {
  const auto free_only = suggest_partners(grappe_, registry_, facts_);
  EXPECT_EQ(find(free_only, "330000052"), nullptr);
  const auto all = suggest_partners(grappe_, registry_, facts_, {100, true});
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().establishment->finess, "330000052");
  EXPECT_EQ(all.back().availability, Availability::kMemberElsewhere);
}

TEST_F(Suggestions, AcceptedInAnotherCallIsFree) {
  PartnerFacts facts = facts_;
  facts.elsewhere.clear();
  facts.add_other_grappe(
      grappe_, grappe("x", "autre-appel", registry_, {{"330000052", MemberStatus::kAccepted}}));
  const auto s_list = suggest_partners(grappe_, registry_, facts);
  const auto* s = find(s_list, "330000052");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->availability, Availability::kFree);
}

TEST_F(Suggestions, InvitedElsewhereIsMarkedAndExplained) {
  const auto s_list = suggest_partners(grappe_, registry_, facts_);
  const auto* s = find(s_list, "330000060");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->availability, Availability::kInvitedElsewhere);
  EXPECT_EQ(s->parts.back(), (ScorePart{-10, "déjà invité dans une autre grappe de l'appel"}));
  EXPECT_EQ(to_json(*s)["availability"], "invited_elsewhere");
}

TEST_F(Suggestions, MembersDeclinedAndOutOfScopeAreLeftOutRevokedComesBack) {
  const auto order = finesses(suggest_partners(grappe_, registry_, facts_, {100, true}));
  for (const char* f : {"330000011", "330000086", "330000078"})
    EXPECT_EQ(std::count(order.begin(), order.end(), f), 0) << f;
  EXPECT_EQ(std::count(order.begin(), order.end(), "330000094"), 1);
}

TEST_F(Suggestions, ReasonsAreTheScoresParts) {
  for (const auto& s : suggest_partners(grappe_, registry_, facts_, {100, true})) {
    const int sum = std::accumulate(s.parts.begin(), s.parts.end(), 0,
                                    [](int n, const ScorePart& p) { return n + p.points; });
    EXPECT_EQ(sum, s.score) << s.establishment->finess;
    const auto j = to_json(s);
    ASSERT_EQ(j["reasons"].size(), s.parts.size());
    for (std::size_t i = 0; i < s.parts.size(); ++i) EXPECT_EQ(j["reasons"][i], s.parts[i].reason);
  }
  const auto s_list = suggest_partners(grappe_, registry_, facts_);
  const auto* s = find(s_list, "330000029");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->parts,
            (std::vector<ScorePart>{{30, "même département"}, {25, "même logiciel DUI"}}));
  const auto far_list = suggest_partners(grappe_, registry_, facts_);
  const auto* far = find(far_list, "330000045");
  EXPECT_EQ(far->parts, (std::vector<ScorePart>{{30, "même département"},
                                                {20, "même catégorie d'établissement"}}));
}

TEST_F(Suggestions, LookingForAGrappeComesFirst) {
  facts_.profiles["130000037"] = profile(std::nullopt, true);
  const auto list = suggest_partners(grappe_, registry_, facts_);
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.front().establishment->finess, "130000037");
  EXPECT_EQ(list.front().parts, (std::vector<ScorePart>{{20, "cherche une grappe"}}));
  EXPECT_TRUE(to_json(list.front())["lookingForGrappe"]);
}

TEST_F(Suggestions, TheGrappesChosenDuiCountsLikeAMembersSoftware) {
  facts_.profiles.erase("330000011");
  const auto without = suggest_partners(grappe_, registry_, facts_);
  EXPECT_EQ(find(without, "330000029")->score, 30);
  const auto with_dui = grappe("g", "default", registry_, {{"330000011", MemberStatus::kAccepted}},
                               Dui{"Autre éditeur", "LOGICIEL À"});
  const auto with = suggest_partners(with_dui, registry_, facts_);
  EXPECT_EQ(find(with, "330000029")->score, 55);
}

TEST_F(Suggestions, WithoutMembersThePorteursEstablishmentsAreTheReference) {
  const auto empty = grappe("e", "default", registry_, {});
  const auto s_list = suggest_partners(empty, registry_, facts_);
  const auto* s = find(s_list, "330000045");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->parts, (std::vector<ScorePart>{{30, "même département"}, {15, "même public"}}));
  const auto own_list = suggest_partners(empty, registry_, facts_);
  const auto* own = find(own_list, "330000011");
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->parts.back().reason, "même organisme gestionnaire que le porteur");
}

TEST_F(Suggestions, TiesAreBrokenByFinessAndTheLimitHolds) {
  const auto list = suggest_partners(grappe_, registry_, facts_, {100, false});
  for (std::size_t i = 1; i < list.size(); ++i) {
    const auto& a = list[i - 1];
    const auto& b = list[i];
    if (a.looking_for_grappe == b.looking_for_grappe && a.score == b.score) {
      EXPECT_LT(a.establishment->finess, b.establishment->finess);
    }
  }
  EXPECT_EQ(finesses(list), finesses(suggest_partners(grappe_, registry_, facts_, {100, false})));
  EXPECT_EQ(suggest_partners(grappe_, registry_, facts_, {2, false}).size(), 2u);
  const auto full = finesses(list);
  EXPECT_EQ(finesses(suggest_partners(grappe_, registry_, facts_, {2, false})),
            std::vector<std::string>(full.begin(), full.begin() + 2));
}

TEST(SuggestionsDistance, NearerEstablishmentsScoreMoreAndSayHowFar) {
  const GeoPoint bordeaux{44.8378, -0.5792};
  Registry r;
  r.add(et("330000011", kPorteur, "500", "33", "75", bordeaux));
  r.add(et("330000029", "330009999", "246", "33", "75", GeoPoint{44.88, -0.55}));  // ~5 km
  r.add(et("330000037", "330008888", "246", "33", "75", GeoPoint{44.2, -0.2}));    // ~77 km
  r.add(et("330000045", "330007777", "246", "33", "75"));                          // unknown
  const auto g = grappe("g", "default", r, {{"330000011", MemberStatus::kAccepted}});
  const auto list = suggest_partners(g, r, {});
  ASSERT_EQ(finesses(list), (std::vector<std::string>{"330000029", "330000037", "330000045"}));
  EXPECT_EQ(list[0].parts.back(), (ScorePart{20, "à 5 km de la grappe"}));
  EXPECT_EQ(list[1].parts.back().points, 5);
  EXPECT_NEAR(*list[1].distance_km, 77, 3);
  EXPECT_FALSE(list[2].distance_km);
  EXPECT_FALSE(to_json(list[2]).contains("distanceKm"));
}

TEST_F(Suggestions, ClosedEstablishmentsAreNotProposed) {
  Establishment closed = et("330000102", "330002222", "500", "33", "75");
  closed.closed_on = "2025-03-12";
  Establishment closing = et("330000110", "330001111", "500", "33", "75");
  closing.closed_on = "2027-01-31";
  registry_.add(closed);
  registry_.add(closing);
  const auto no_clock = finesses(suggest_partners(grappe_, registry_, facts_, {100, true}));
  EXPECT_EQ(std::count(no_clock.begin(), no_clock.end(), "330000102"), 0);
  EXPECT_EQ(std::count(no_clock.begin(), no_clock.end(), "330000110"), 0);
  const auto dated =
      finesses(suggest_partners(grappe_, registry_, facts_, {100, true, "2026-11-23"}));
  EXPECT_EQ(std::count(dated.begin(), dated.end(), "330000102"), 0);
  EXPECT_EQ(std::count(dated.begin(), dated.end(), "330000110"), 1);
}

}  // namespace
}  // namespace grappe::domain
