// Concurrent appends: one winner per expected version, group commit keeps positions whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::request;

class ConcurrencyTest : public ::testing::Test {
 protected:
  // Positions 1..N each exactly once, in order.
  void expect_positions_whole(std::uint64_t n) {
    auto all = test::read_everything(*store_);
    ASSERT_EQ(all.size(), n);
    for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(all[i].position, i + 1);
    EXPECT_EQ(store_->last_position(), n);
    EXPECT_TRUE(store_->verify().ok);
  }
  test::TempDir dir_{"concurrency"};
  std::unique_ptr<Store> store_ = test::open_store(dir_.path());
};

TEST_F(ConcurrencyTest, SixtyFourThreadsRacingOneStreamGetOneWinnerPerVersion) {
  constexpr std::uint64_t kTarget = 400;
  constexpr int kThreads = 64;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::mutex mu;
  std::vector<std::uint64_t> won;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000 && std::chrono::steady_clock::now() < deadline; ++i) {
        std::uint64_t v = store_->stream_version("race");
        if (v >= kTarget) return;
        auto r = store_->append_sync(request("race", v, {event("Raced", t)}));
        if (r) {
          std::lock_guard lock(mu);
          won.push_back(r->streams[0].version);
          EXPECT_EQ(r->streams[0].version, v + 1);
        } else {
          ASSERT_EQ(r.error().code, StoreErrc::kVersionConflict);
          ASSERT_EQ(r.error().actual.size(), 1u);
          EXPECT_GT(r.error().actual[0].version, v);
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::sort(won.begin(), won.end());
  ASSERT_GE(won.size(), kTarget);
  for (std::uint64_t i = 0; i < won.size(); ++i) ASSERT_EQ(won[i], i + 1) << "version won twice";
  EXPECT_GT(conflicts.load(), 0);
  auto stream = store_->read_stream("race", 0, 100000, Direction::kForward);
  ASSERT_TRUE(stream);
  ASSERT_EQ(stream->size(), won.size());
  for (std::uint64_t i = 0; i < won.size(); ++i) EXPECT_EQ((*stream)[i].version, i + 1);
  expect_positions_whole(won.size());
}

TEST_F(ConcurrencyTest, ConcurrentAppendersAreGroupCommittedWithoutHoles) {
  constexpr int kThreads = 32, kEach = 100;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::uint64_t> positions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string stream = "s-" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        auto r = store_->append_sync(request(stream, i, {event("E", i)}));
        ASSERT_TRUE(r) << r.error().message;
        std::lock_guard lock(mu);
        EXPECT_TRUE(positions.insert(r->first_position).second);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(positions.size(), std::size_t{kThreads * kEach});
  expect_positions_whole(kThreads * kEach);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(store_->stream_version("s-" + std::to_string(t)), 100u);
}

TEST_F(ConcurrencyTest, QueuedRequestsSeeVersionsStagedEarlierInTheSameBatch) {
  std::vector<std::promise<AppendOutcome>> results(100);
  for (std::size_t i = 0; i < results.size(); ++i) {
    store_->append(request("q", i, {event("E", int(i))}),
                   [&results, i](AppendOutcome o) { results[i].set_value(std::move(o)); });
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto o = results[i].get_future().get();
    ASSERT_TRUE(o) << i << ": " << o.error().message;
    EXPECT_EQ(o->first_position, i + 1);
  }
}

}  // namespace
}  // namespace grappe::es
