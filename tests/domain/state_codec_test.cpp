// The states read models keep on disk read back exactly (random histories: property_test.cpp).
#include "grappe/domain/state_codec.h"

#include <gtest/gtest.h>

namespace grappe::domain {
namespace {

TEST(StateCodec, UserDirectoryReadsBackWithTokens) {
  UserDirectory d;
  d = evolve_users(d, UserSaved{User{"u1", "Marie", Role::kGestionnaire, {"010780054"}, {}}, "h1"},
                   {1, "", "", ""});
  d = evolve_users(d, UserSaved{User{"u2", "Zoé", Role::kAuditor, {}, {}}, ""}, {2, "", "", ""});
  UserDirectory back;
  back.version = 7;
  for (const User& u : d.list()) ASSERT_TRUE(add_user_entry(back, user_entry_json(d, u)));
  EXPECT_EQ(back.version, 7u);
  EXPECT_EQ(back.list(), d.list());
  EXPECT_EQ(back.token_hashes, d.token_hashes);
  ASSERT_NE(back.find_by_token("h1"), nullptr);
  EXPECT_EQ(back.find_by_token("h1")->id, "u1");
}

TEST(StateCodec, EsmsStateKeepsVersionAndProfile) {
  EsmsState s;
  s.version = 4;
  s.memberships.push_back({"g1", "default", "withdrawn"});
  s.memberships.push_back({"g2", "default", "accepted"});
  s.profile.dui = Dui{"Éditeur", "Logiciel"};
  s.profile.publics = std::vector<std::string>{"PA", "PH"};
  s.profile.looking_for_grappe = true;
  s.profile.note = "Une note";
  auto back = esms_state_from_json(nlohmann::json::parse(esms_state_json(s).dump()));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
}

TEST(StateCodec, RefusesDamagedStatesWithAReason) {
  GrappeState s;
  s.version = 1;
  s.id = "g";
  s.status = GrappeStatus::kSubmitted;
  s.members.push_back(Member{"330000001", "330001009", "EHPAD", "500", "33",
                             MemberStatus::kAccepted, "2026-01-01T00:00:00.000Z"});
  s.member_index.emplace("330000001", 0);
  auto good = to_json(s);
  auto back = grappe_state_from_json(good);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);

  auto bad = good;
  bad["status"] = "perdu";
  EXPECT_FALSE(grappe_state_from_json(bad));
  bad = good;
  bad["members"][0]["status"] = 3;
  EXPECT_FALSE(grappe_state_from_json(bad));
  bad = good;
  bad.erase("counts");
  EXPECT_FALSE(grappe_state_from_json(bad));
  EXPECT_FALSE(grappe_state_from_json(nlohmann::json::array()));
  EXPECT_FALSE(esms_state_from_json(nlohmann::json{{"version", "x"}}));
  UserDirectory d;
  EXPECT_FALSE(add_user_entry(d, nlohmann::json{{"user", 1}}));
}

}  // namespace
}  // namespace grappe::domain
