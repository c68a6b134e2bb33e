// README "Protocol additions": GET /api/grappes and GET /api/establishments one page at a time,
// `limit` and the `nextCursor` of the previous page; pages together are the whole list, in order.
#include <gtest/gtest.h>

#include "support.h"

namespace grappe::test {
namespace {

class PaginationTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }

  // Every page of `target` (which ends with a query), `limit` at a time, concatenated; `pages`
  // counts them. Fails the test on a page over the limit or a cursor that does not advance.
  json walk(const std::string& target, const std::string& key, int limit, int* pages) {
    json all = json::array();
    std::string cursor;
    *pages = 0;
    for (int guard = 0; guard < 1000; ++guard) {
      auto url =
          target + "&limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor);
      auto page = get(port(), url, token("admin"));
      EXPECT_EQ(page.status, 200) << url << " " << page.body.dump();
      if (page.status != 200) break;
      ++*pages;
      EXPECT_LE(page.body[key].size(), static_cast<std::size_t>(limit));
      for (const auto& item : page.body[key]) all.push_back(item);
      if (page.body["nextCursor"].is_null()) break;
      EXPECT_NE(page.body["nextCursor"], cursor);
      cursor = page.body["nextCursor"];
    }
    return all;
  }
};

TEST_F(PaginationTest, GrappePagesTogetherAreTheWholeListInOrder) {
  for (auto name : {"Delta", "Alpha", "Même nom", "Charlie", "Même nom", "Bravo", "Écho"})
    create_grappe(port(), name);
  auto whole = get(port(), "/api/grappes", token("admin"));
  ASSERT_EQ(whole.body["grappes"].size(), 7u);
  EXPECT_TRUE(whole.body["nextCursor"].is_null());
  int pages = 0;
  EXPECT_EQ(walk("/api/grappes?x=", "grappes", 3, &pages), whole.body["grappes"]);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(walk("/api/grappes?x=", "grappes", 7, &pages), whole.body["grappes"]);
  EXPECT_EQ(pages, 1);
  // One at a time: the two grappes named alike both come, ordered by id.
  EXPECT_EQ(walk("/api/grappes?x=", "grappes", 1, &pages), whole.body["grappes"]);
  EXPECT_EQ(pages, 7);
}

TEST_F(PaginationTest, ARenamedGrappeMovesInThePages) {
  auto zulu = create_grappe(port(), "Zulu");
  create_grappe(port(), "Mike");
  ASSERT_EQ(command(port(), token("porteur"), zulu, "UpdateDetails", {{"name", "Alpha"}}).status,
            200);
  auto first = get(port(), "/api/grappes?limit=1", token("admin"));
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.body["grappes"].size(), 1u);
  EXPECT_EQ(first.body["grappes"][0]["id"], zulu);
  EXPECT_EQ(first.body["grappes"][0]["name"], "Alpha");
  auto second =
      get(port(), "/api/grappes?limit=5&cursor=" + first.body["nextCursor"].get<std::string>(),
          token("admin"));
  ASSERT_EQ(second.body["grappes"].size(), 1u);
  EXPECT_EQ(second.body["grappes"][0]["name"], "Mike");
  EXPECT_TRUE(second.body["nextCursor"].is_null());
}

TEST_F(PaginationTest, PagesKeepTheFiltersAndTheReadersRights) {
  for (int i = 0; i < 5; ++i) create_grappe(port(), "Grappe " + std::to_string(i));
  int pages = 0;
  // The porteur's grappes are in Nouvelle-Aquitaine (75): the filter keeps them all, another
  // region none; an outsider reads none of them.
  EXPECT_EQ(walk("/api/grappes?region=75", "grappes", 2, &pages).size(), 5u);
  EXPECT_EQ(walk("/api/grappes?region=11", "grappes", 2, &pages).size(), 0u);
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(walk("/api/grappes?status=open&call=default", "grappes", 2, &pages).size(), 5u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(walk("/api/grappes?status=submitted", "grappes", 2, &pages).size(), 0u);
  EXPECT_EQ(pages, 1);
  auto outsider = get(port(), "/api/grappes?limit=2", token("outsider"));
  EXPECT_EQ(outsider.body["grappes"], json::array());
  EXPECT_TRUE(outsider.body["nextCursor"].is_null());
}

TEST_F(PaginationTest, BadLimitsAndCursorsAreRefusedWithWords) {
  create_grappe(port(), "Une");
  const std::vector<std::string> queries = {"limit=0",     "limit=1001",
                                            "limit=abc",   "cursor=zz",
                                            "cursor=5b5d", "cursor=" + std::string(5000, 'a')};
  for (const auto& query : queries) {
    auto answer = get(port(), std::string("/api/grappes?") + query, token("admin"));
    EXPECT_EQ(answer.status, 400) << query;
    EXPECT_EQ(answer.body["error"]["code"], "bad_request") << answer.body.dump();
    auto search = get(port(), std::string("/api/establishments?q=&") + query, token("admin"));
    EXPECT_EQ(search.status, 400) << query;
  }
}

TEST_F(PaginationTest, EstablishmentSearchPagesAreTheWholeResult) {
  auto whole = get(port(), "/api/establishments?q=&limit=500", token("admin"));
  ASSERT_EQ(whole.status, 200);
  ASSERT_GT(whole.body["establishments"].size(), 20u);
  int pages = 0;
  EXPECT_EQ(walk("/api/establishments?q=", "establishments", 7, &pages),
            whole.body["establishments"]);
  EXPECT_GT(pages, 3);
  // A word query and a departement filter page the same way.
  auto dep = get(port(), "/api/establishments?departement=64&limit=500", token("admin"));
  ASSERT_GT(dep.body["establishments"].size(), 2u);
  EXPECT_EQ(walk("/api/establishments?departement=64", "establishments", 2, &pages),
            dep.body["establishments"]);
}

}  // namespace
}  // namespace grappe::test
