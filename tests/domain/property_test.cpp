// Folds thousands of random command sequences and checks the invariants after each one.
#include <gtest/gtest.h>

#include <random>

#include "world.h"

namespace grappe::domain {
namespace {

using testing::World;

constexpr int kSequences = 2000;
constexpr int kSteps = 60;

struct Fuzzer {
  World w{*CallConfig::parse(nlohmann::json::parse(
      R"({"calls":[{"id":"default","threshold":3,"thresholdOverseasCorsica":2}]})"))};
  std::mt19937 rng;
  std::vector<std::string> pool;
  std::vector<const User*> users;
  std::vector<std::string> grappes{"g0", "g1", "g2"};

  explicit Fuzzer(unsigned seed) : rng(seed) {
    for (const auto* ets : {&w.et_a, &w.et_b, &w.et_c})
      for (std::size_t i = 0; i < 4; ++i) pool.push_back((*ets)[i]);
    users = {&w.porteur, &w.manager_b, &w.outsider_c, &w.ars, &w.auditor};
    w.create("g0", w.porteur, w.og_a);
    w.create("g1", w.manager_b, w.og_b);
    w.create("g2", w.outsider_c, w.og_c);
  }

  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  }

  Command random_command() {
    const std::string f = pick(pool);
    switch (std::uniform_int_distribution<int>(0, 12)(rng)) {
      case 0:
      case 1:
      case 2:
        return InviteEstablishment{f, ""};
      case 3:
      case 4:
        return AcceptInvitation{f};
      case 5:
        return DeclineInvitation{f, ""};
      case 6:
        return RevokeInvitation{f};
      case 7:
        return WithdrawMembership{f, "départ"};
      case 8:
        return RemoveMember{f, "retrait"};
      case 9:
        return SubmitDossier{};
      case 10:
        return ReopenDossier{"reprise"};
      case 11:
        return RecordDecision{std::bernoulli_distribution(0.5)(rng), ""};
      default:
        return PostComment{"note"};
    }
  }

  // Mostly the user entitled to the command, sometimes anyone.
  const User& actor(const std::string& grappe, const Command& c) {
    if (std::bernoulli_distribution(0.2)(rng)) return *pick(users);
    if (std::holds_alternative<RecordDecision>(c)) return w.ars;
    const std::string* f = std::visit(
        [](const auto& x) -> const std::string* {
          if constexpr (requires { x.finess; }) return &x.finess;
          return nullptr;
        },
        c);
    const bool answer = std::holds_alternative<AcceptInvitation>(c) ||
                        std::holds_alternative<DeclineInvitation>(c) ||
                        std::holds_alternative<WithdrawMembership>(c);
    const std::string ej = answer && f ? w.registry.find(*f)->ej : w.grappes[grappe].porteur;
    for (const User* u : users)
      if (acts_for(*u, ej)) return *u;
    return *pick(users);
  }

  void step() {
    const std::string& g = pick(grappes);
    const Command c = random_command();
    auto d = w.run(g, actor(g, c), c);
    if (!d && d.error().details.is_object() &&
        d.error().details.value("rule", "") == "exclusive_membership")
      ++exclusive_refusals;
  }
  std::size_t exclusive_refusals = 0;
};

MemberCounts recount(const GrappeState& s) {
  MemberCounts c;
  for (const Member& m : s.members) ++c[m.status];
  return c;
}

void check_invariants(World& w) {
  std::map<std::string, int> accepted_in;  // finess → number of grappes (one call)
  for (auto& [id, state] : w.grappes) {
    EXPECT_EQ(state.counts, recount(state)) << id;
    GrappeState refolded;
    for (const auto& [event, meta] : w.history[id]) {
      refolded = evolve(std::move(refolded), event, meta);
      auto back = decode(type_name(event), encode(event));
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, event);
    }
    EXPECT_EQ(refolded, state) << id;
    EXPECT_EQ(state.version, w.history[id].size());
    if (state.status != GrappeStatus::kOpen) {
      ASSERT_TRUE(state.last_validation);
      EXPECT_TRUE(state.last_validation->eligible);
    }
    for (const Member& m : state.members) {
      if (m.status != MemberStatus::kAccepted) continue;
      ++accepted_in[m.finess];
      const auto* membership = w.esms[m.finess].accepted_in(state.call);
      ASSERT_NE(membership, nullptr) << m.finess;
      EXPECT_EQ(membership->grappe, id);
    }
  }
  for (const auto& [finess, n] : accepted_in) EXPECT_LE(n, 1) << finess;
  for (auto& [finess, esms] : w.esms)
    if (esms.accepted_in("default") == nullptr) {
      EXPECT_EQ(accepted_in.count(finess), 0u);
    }
}

TEST(Property, RandomSequencesKeepEveryInvariant) {
  std::size_t events = 0, decided = 0, exclusive_refusals = 0;
  for (int seq = 0; seq < kSequences; ++seq) {
    Fuzzer f(static_cast<unsigned>(seq));
    for (int i = 0; i < kSteps; ++i) f.step();
    check_invariants(f.w);
    for (const auto& [id, h] : f.w.history) events += h.size();
    for (const auto& [id, s] : f.w.grappes) decided += s.decision.has_value();
    exclusive_refusals += f.exclusive_refusals;
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seq;
      return;
    }
  }
  // The sequences reach every corner: decisions and exclusivity refusals happen.
  EXPECT_GT(events, std::size_t{kSequences} * 20);
  EXPECT_GT(decided, 10u);
  EXPECT_GT(exclusive_refusals, 100u);
}

}  // namespace
}  // namespace grappe::domain
