// GET /api/reference/regions and /calls (README.md, extensions to PROTOCOL.md): the regions the
// web client names and guesses from a FINESS prefix, served from the table the domain validates
// against; the calls with the figures of their rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support.h"

namespace grappe::test {
namespace {

class ReferenceTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }
};

TEST_F(ReferenceTest, RegionsNeedASignedInUser) {
  EXPECT_EQ(get(port(), "/api/reference/regions").status, 401);
  EXPECT_EQ(get(port(), "/api/reference/regions", token("partner")).status, 200);
}

TEST_F(ReferenceTest, RegionsListEveryRegionOnceInCodeOrder) {
  auto answer = get(port(), "/api/reference/regions", token("ars"));
  ASSERT_EQ(answer.status, 200);
  const auto& regions = answer.body["regions"];
  ASSERT_EQ(regions.size(), 18u);  // 13 metropolitan, 5 overseas
  std::vector<std::string> codes;
  for (const auto& r : regions) codes.push_back(r["code"]);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
  EXPECT_EQ(codes.front(), "01");
  EXPECT_EQ(codes.back(), "94");
}

TEST_F(ReferenceTest, RegionCarriesItsNameAndDepartements) {
  auto regions = get(port(), "/api/reference/regions", token("ars")).body["regions"];
  auto find = [&](const std::string& code) {
    for (const auto& r : regions)
      if (r["code"] == code) return r;
    return json();
  };
  auto aquitaine = find("75");
  EXPECT_EQ(aquitaine["name"], "Nouvelle-Aquitaine");
  EXPECT_EQ(aquitaine["overseasOrCorsica"], false);
  EXPECT_EQ(aquitaine["departements"].size(), 12u);
  EXPECT_EQ(
      aquitaine["departements"][0],
      json({{"code", "16"}, {"name", "Charente"}, {"finessCode", "16"}, {"finessPrefix", "16"}}));
  auto reunion = find("04")["departements"][0];
  EXPECT_EQ(reunion["code"], "974");
  EXPECT_EQ(reunion["finessCode"], "9D");
  EXPECT_EQ(reunion["finessPrefix"], "9704");
  EXPECT_EQ(find("94")["overseasOrCorsica"], true);
}

TEST_F(ReferenceTest, CallsCarryTheFiguresOfTheirRules) {
  EXPECT_EQ(get(port(), "/api/reference/calls").status, 401);
  auto answer = get(port(), "/api/reference/calls", token("partner"));
  ASSERT_EQ(answer.status, 200);
  const auto& calls = answer.body["calls"];
  ASSERT_EQ(calls.size(), 1u);  // the built-in configuration
  EXPECT_EQ(calls[0]["id"], "default");
  EXPECT_EQ(calls[0]["regions"], "*");
  EXPECT_EQ(calls[0]["threshold"], 15);
  EXPECT_EQ(calls[0]["thresholdOverseasCorsica"], 8);
  EXPECT_EQ(calls[0]["minOrganisations"], 3);
  EXPECT_EQ(calls[0]["minOrganisationsOverseasCorsica"], 2);
  EXPECT_TRUE(calls[0]["maxMembers"].is_null());
}

}  // namespace
}  // namespace grappe::test
