// The user directory the `users` read model keeps on disk reads back exactly.
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

TEST(StateCodec, RefusesADamagedUserEntryWithAReason) {
  UserDirectory d;
  EXPECT_FALSE(add_user_entry(d, nlohmann::json{{"user", 1}}));
}

}  // namespace
}  // namespace grappe::domain
