// The binary form of grappe states: exact round trip, and damaged bytes refused, never a crash.
#include "binary.h"

#include <gtest/gtest.h>

#include <random>

namespace grappe::projections {
namespace {

domain::GrappeState full_state() {
  domain::GrappeState s;
  s.version = 300;
  s.id = "g-1";
  s.name = "Grappe Landes — océan";
  s.call = "default";
  s.region = "75";
  s.porteur = "330001009";
  s.description = "Une description\\nsur deux lignes";
  s.dui = domain::Dui{"Éditeur", "Logiciel DUI"};
  s.status = domain::GrappeStatus::kRejected;
  s.threshold = 15;
  for (int i = 0; i < 20; ++i) {
    domain::Member m{"33000000" + std::to_string(i % 10),
                     "330001009",
                     "EHPAD " + std::to_string(i),
                     "500",
                     "33",
                     static_cast<domain::MemberStatus>(i % 6),
                     "2026-11-23T10:00:00.000Z"};
    s.member_index.emplace(m.finess + std::to_string(i), s.members.size());
    m.finess += std::to_string(i);
    s.members.push_back(m);
    ++s.counts[m.status];
  }
  domain::ValidationReport report{false, 14, 15, "démo", {}};
  report.rules.push_back({"min_size", domain::Outcome::kFail, "14 sur 15", {}});
  report.rules.push_back({"same_region", domain::Outcome::kWarn, "hors région", {"640010179"}});
  s.last_validation = report;
  s.last_validation_at = "2026-11-23T11:00:00.000Z";
  s.decision = domain::DecisionInfo{false, "incomplet", {"ars", "Agent ARS"}, "2026-11-24"};
  s.comments.push_back({"Bonjour", {"u1", "Marie"}, "2026-11-23T09:00:00.000Z"});
  s.created_at = "2026-11-22T08:00:00.000Z";
  return s;
}

TEST(GrappeBinary, RoundTripsEveryField) {
  auto s = full_state();
  auto back = decode_grappe(encode_grappe(s));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(to_json(*back), to_json(s));
  domain::GrappeState empty;
  auto empty_back = decode_grappe(encode_grappe(empty));
  ASSERT_TRUE(empty_back);
  EXPECT_EQ(*empty_back, empty);
}

TEST(GrappeBinary, TruncatedOrDamagedBytesAreRefused) {
  auto bytes = encode_grappe(full_state());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_grappe(std::string_view(bytes).substr(0, n))) << "cut at " << n;
  }
  EXPECT_FALSE(decode_grappe(bytes + "x"));
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    auto damaged = bytes;
    damaged[rng() % damaged.size()] = static_cast<char>(rng());
    (void)decode_grappe(damaged);  // refused or read as something else: never a crash
  }
}

TEST(EsmsBinary, RoundTripsMembershipsAndProfile) {
  domain::EsmsState s;
  s.version = 9;
  s.memberships.push_back({"g1", "default", "withdrawn"});
  s.memberships.push_back({"g2", "default", "accepted"});
  auto back = decode_esms(encode_esms(s));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
  s.profile.dui = domain::Dui{"Éditeur", "Logiciel"};
  s.profile.publics = std::vector<std::string>{"PA"};
  s.profile.looking_for_grappe = true;
  s.profile.note = "note";
  back = decode_esms(encode_esms(s));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
  auto bytes = encode_esms(s);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_esms(std::string_view(bytes).substr(0, n))) << "cut at " << n;
  }
}

}  // namespace
}  // namespace grappe::projections
