// Reads: a stream forward and backward, $all, in bounded pages.
#include <gtest/gtest.h>

#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::request;

class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // a: versions 1..5 at positions 1,3,5,7,9; b ("a" + suffix) at 2,4,6,8,10
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store_->append_sync(request("a", i, {event("A", i)})));
      ASSERT_TRUE(store_->append_sync(request("ab", i, {event("B", i)})));
    }
  }
  std::vector<std::uint64_t> versions(std::string_view stream, std::uint64_t from, std::size_t max,
                                      Direction d) {
    auto r = store_->read_stream(stream, from, max, d);
    EXPECT_TRUE(r);
    std::vector<std::uint64_t> v;
    for (const auto& rec : *r) {
      EXPECT_EQ(rec.stream, stream);
      v.push_back(rec.version);
    }
    return v;
  }
  test::TempDir dir_{"read"};
  std::unique_ptr<Store> store_ = test::open_store(dir_.path());
};

using V = std::vector<std::uint64_t>;

TEST_F(ReadTest, StreamForwardFromVersion) {
  EXPECT_EQ(versions("a", 0, 100, Direction::kForward), (V{1, 2, 3, 4, 5}));
  EXPECT_EQ(versions("a", 2, 2, Direction::kForward), (V{3, 4}));
  EXPECT_EQ(versions("a", 5, 10, Direction::kForward), V{});
}

TEST_F(ReadTest, StreamBackwardFromVersion) {
  EXPECT_EQ(versions("a", UINT64_MAX, 100, Direction::kBackward), (V{5, 4, 3, 2, 1}));
  EXPECT_EQ(versions("a", 4, 2, Direction::kBackward), (V{3, 2}));
  EXPECT_EQ(versions("a", 1, 10, Direction::kBackward), V{});
}

TEST_F(ReadTest, StreamRecordsCarryTheirPositions) {
  auto r = store_->read_stream("ab", 0, 10, Direction::kForward);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].position, 2u);
  EXPECT_EQ((*r)[4].position, 10u);
}

TEST_F(ReadTest, UnknownStreamIsEmpty) {
  EXPECT_EQ(versions("nope", 0, 10, Direction::kForward), V{});
  EXPECT_EQ(versions("nope", UINT64_MAX, 10, Direction::kBackward), V{});
  EXPECT_EQ(store_->stream_version("nope"), 0u);
}

TEST_F(ReadTest, AllInPagesFromPosition) {
  auto page = store_->read_all(3, 4);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 4u);
  EXPECT_EQ(page->front().position, 4u);
  EXPECT_EQ(page->back().position, 7u);
  auto rest = store_->read_all(7, 100);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->size(), 3u);
  EXPECT_TRUE(store_->read_all(10, 100)->empty());
  EXPECT_TRUE(store_->read_all(0, 0)->empty());
}

// A reader of some types only (the notifier): the others are skipped, yet counted as scanned,
// and what it gets equals read_all filtered, in the store and in the portable default.
TEST_F(ReadTest, AllOfSomeTypesSkipsTheOthersAndSaysHowFarItLooked) {
  const std::vector<std::string> only_b = {"B", "Z"};
  std::uint64_t scanned = 0;
  auto page = store_->read_all_of_types(3, 4, only_b, &scanned);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);  // positions 4..7: B at 4 and 6
  EXPECT_EQ((*page)[0].position, 4u);
  EXPECT_EQ((*page)[1].position, 6u);
  EXPECT_EQ(scanned, 7u);
  auto all = store_->read_all(3, 4);
  EXPECT_EQ((*page)[0].data, (*all)[0].data);
  EXPECT_EQ((*page)[1].hash, (*all)[2].hash);
  EXPECT_EQ((*page)[1].actor.id, (*all)[2].actor.id);
  // Nothing of those types: an empty page that still moves on.
  const std::vector<std::string> none = {"C"};
  page = store_->read_all_of_types(0, 100, none, &scanned);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->empty());
  EXPECT_EQ(scanned, 10u);
  // At the end: nothing scanned, `scanned` stays where it began.
  page = store_->read_all_of_types(10, 100, only_b, &scanned);
  EXPECT_TRUE(page->empty());
  EXPECT_EQ(scanned, 10u);
  // The base class's way gives the same.
  page = store_->Store::read_all_of_types(3, 4, only_b, &scanned);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->size(), 2u);
  EXPECT_EQ(scanned, 7u);
}

TEST_F(ReadTest, HashesChainAcrossRecords) {
  auto all = test::read_everything(*store_);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all.back().hash, store_->head_hash());
  EXPECT_NE(all[0].hash, all[1].hash);
  auto v = store_->verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.events, 10u);
  EXPECT_EQ(v.head, store_->head_hash());
}

TEST(Timestamp, ParsesWithAndWithoutMillisecondsAndOffsets) {
  using namespace std::chrono;
  sys_time<milliseconds> t{}, expected = sys_days(year(2026) / 11 / 23) + 10h + 15min + 2s;
  ASSERT_TRUE(parse_timestamp("2026-11-23T10:15:02Z", t));
  EXPECT_EQ(t, expected);
  ASSERT_TRUE(parse_timestamp("2026-11-23T10:15:02.5Z", t));
  EXPECT_EQ(t, expected + 500ms);
  ASSERT_TRUE(parse_timestamp("2026-11-23T12:15:02.000+02:00", t));
  EXPECT_EQ(t, expected);
  EXPECT_FALSE(parse_timestamp("2026-13-23T10:15:02Z", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23 10:15", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23T10:15:02", t));
}

TEST(Timestamp, NumbersAreDigitsOnlyWithoutSign) {
  std::chrono::sys_time<std::chrono::milliseconds> t{};
  EXPECT_FALSE(parse_timestamp("-001-11-23T10:15:02Z", t));
  EXPECT_FALSE(parse_timestamp("+001-11-23T10:15:02Z", t));
  EXPECT_FALSE(parse_timestamp("2026--1-23T10:15:02Z", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23T-1:15:02Z", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23T10:15:02+-1:00", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23T10:15:02+01:-1", t));
  EXPECT_FALSE(parse_timestamp("2026-11-23T10:15: 2Z", t));
}

}  // namespace
}  // namespace grappe::es
