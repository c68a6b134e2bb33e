// The writer's tree helper thread: whoever hashes a leaf (the helper or finish()), the edge and
// the stored subtrees are those of the serial TreeEdge, batch after batch; a batch left without
// finish() does not leak into the next one.
#include "tree_stager.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace grappe::es::detail {
namespace {

struct Stored {
  unsigned height;
  std::uint64_t index;
  std::string hash;
  bool operator==(const Stored&) const = default;
};

std::string canonical(std::size_t i) {
  return "record " + std::to_string(i) + std::string(i % 300, 'x');
}

TEST(TreeStager, MatchesTheSerialTreeWhateverTheBatchSizes) {
  TreeStager stager(2);
  TreeEdge serial;
  TreeEdge edge;
  std::mt19937 rng(7);
  std::size_t next = 0;
  for (int batch = 0; batch < 300; ++batch) {
    const std::size_t n = rng() % 3 == 0 ? rng() % 4 : rng() % 200;
    // The hint is sometimes wrong: fewer records staged (conflicts) or more (add grows slots).
    const std::size_t hint = rng() % 4 == 0 ? n / 2 : n + rng() % 3;
    std::vector<Stored> want;
    for (std::size_t i = 0; i < n; ++i) {
      serial.append(leaf_hash(canonical(next + i)),
                    [&](unsigned h, std::uint64_t x, const std::string& s) {
                      if (h >= 2) want.push_back({h, x, s});
                    });
    }
    stager.begin(edge, hint);
    for (std::size_t i = 0; i < n; ++i) {
      stager.add(canonical(next + i));
      if (rng() % 64 == 0) std::this_thread::yield();  // lets the helper catch up, sometimes
    }
    std::vector<Stored> got;
    edge = stager.finish([&](unsigned h, std::uint64_t x, const std::string& s) {
      got.push_back({h, x, s});
    });
    next += n;
    ASSERT_EQ(got, want) << "batch " << batch;
    ASSERT_EQ(edge.size(), serial.size());
    ASSERT_EQ(edge.root(), serial.root()) << "batch " << batch;
  }
}

TEST(TreeStager, AnUnfinishedBatchIsDroppedByTheNext) {
  TreeStager stager(0);
  TreeEdge start;
  start.append(leaf_hash("first"), {});
  stager.begin(start, 50);
  for (int i = 0; i < 50; ++i) stager.add("abandoned " + std::to_string(i));
  std::this_thread::sleep_for(std::chrono::milliseconds(2));

  TreeEdge want = start;
  want.append(leaf_hash("kept"), {});
  stager.begin(start, 8);
  stager.add("kept");
  std::size_t puts = 0;
  auto edge = stager.finish([&](unsigned, std::uint64_t, const std::string&) { ++puts; });
  EXPECT_EQ(edge.size(), 2u);
  EXPECT_EQ(edge.root(), want.root());
  EXPECT_EQ(puts, 2u);  // the leaf at height 0 and the subtree of both leaves
}

TEST(TreeStager, AnEmptyBatchKeepsTheEdge) {
  TreeStager stager(4);
  TreeEdge start;
  for (int i = 0; i < 5; ++i) start.append(leaf_hash(std::to_string(i)), {});
  stager.begin(start, 10);
  auto edge = stager.finish([](unsigned, std::uint64_t, const std::string&) { FAIL(); });
  EXPECT_EQ(edge.root(), start.root());
}

}  // namespace
}  // namespace grappe::es::detail
