// Subscriptions: catch-up, switch to live without gap or duplicate, slow subscribers, closing.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "test_util.h"

namespace grappe::es {
namespace {

using namespace std::chrono_literals;
using test::event;
using test::request;

// Collects what a subscription delivers; waits on facts with a deadline.
class Collector {
 public:
  SubscriptionHandler handler() {
    return {[this](const Record& r) { on_event(r); },
            [this] {
              std::lock_guard lock(mu_);
              live_ = true;
              cv_.notify_all();
            },
            [this](DropReason d) {
              std::lock_guard lock(mu_);
              drop_ = d;
              cv_.notify_all();
            }};
  }
  bool wait_count(std::size_t n, std::chrono::milliseconds timeout = 30s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return keys_.size() >= n; });
  }
  bool wait_live() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return live_; });
  }
  std::optional<DropReason> wait_drop(std::chrono::milliseconds timeout = 30s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return drop_.has_value(); });
    return drop_;
  }
  std::vector<std::uint64_t> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }
  std::function<void(const Record&)> before;  // runs first in on_event (may block)
  bool by_version = false;

 private:
  void on_event(const Record& r) {
    if (before) before(r);
    std::lock_guard lock(mu_);
    keys_.push_back(by_version ? r.version : r.position);
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::uint64_t> keys_;
  bool live_ = false;
  std::optional<DropReason> drop_;
};

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> v;
  for (auto i = from; i <= to; ++i) v.push_back(i);
  return v;
}

class SubscriptionTest : public ::testing::Test {
 protected:
  void append_many(const std::string& stream, int batches, int per_batch) {
    for (int b = 0; b < batches; ++b) {
      std::vector<NewEvent> events;
      for (int i = 0; i < per_batch; ++i) events.push_back(event("E", i));
      ASSERT_TRUE(store_->append_sync(request(stream, std::nullopt, std::move(events))));
    }
  }
  test::TempDir dir_{"subscription"};
  StoreOptions options_;
  std::unique_ptr<Store> store_ = test::open_store(dir_.path());
};

TEST_F(SubscriptionTest, CatchesUpFromDiskThenDeliversLive) {
  append_many("s", 10, 1);
  Collector c;
  auto sub = store_->subscribe_all(0, c.handler());
  ASSERT_TRUE(c.wait_live());
  ASSERT_TRUE(c.wait_count(10));
  append_many("s", 5, 1);
  ASSERT_TRUE(c.wait_count(15));
  EXPECT_EQ(c.keys(), range(1, 15));
}

TEST_F(SubscriptionTest, StartsAfterTheGivenPosition) {
  append_many("s", 1, 10);
  Collector c;
  auto sub = store_->subscribe_all(6, c.handler());
  ASSERT_TRUE(c.wait_live());
  ASSERT_TRUE(c.wait_count(4));
  EXPECT_EQ(c.keys(), range(7, 10));
}

TEST_F(SubscriptionTest, StreamSubscriptionDeliversOnlyItsStreamFromVersion) {
  for (int i = 0; i < 5; ++i) {
    append_many("x", 1, 1);
    append_many("y", 1, 1);
  }
  Collector c;
  c.by_version = true;
  auto sub = store_->subscribe_stream("x", 2, c.handler());
  ASSERT_TRUE(c.wait_live());
  append_many("y", 3, 2);
  append_many("x", 2, 1);
  ASSERT_TRUE(c.wait_count(5));
  EXPECT_EQ(c.keys(), range(3, 7));
}

TEST_F(SubscriptionTest, SwitchOverWhileHundredThousandEventsAreAppended) {
  constexpr int kThreads = 50, kEach = 2000;  // 100,000 single-event appends
  std::promise<void> started;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ASSERT_TRUE(store_->append_sync(request("t" + std::to_string(t), i, {event("E", i, 300)})));
        if (t == 0 && i == 100) started.set_value();
      }
    });
  }
  started.get_future().wait();
  Collector c;
  std::uint64_t last = 0;
  bool in_order = true;
  c.before = [&](const Record& r) {
    in_order &= r.position == last + 1;
    last = r.position;
  };
  auto sub = store_->subscribe_all(0, c.handler());
  for (auto& th : threads) th.join();
  ASSERT_TRUE(c.wait_count(kThreads * kEach, 60s));
  EXPECT_TRUE(in_order);
  EXPECT_EQ(c.keys(), range(1, kThreads * kEach));
  EXPECT_FALSE(c.wait_drop(0ms));
}

TEST_F(SubscriptionTest, StreamSwitchOverWhileAppendsRace) {
  std::promise<void> started;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        ASSERT_TRUE(store_->append_sync(request(t % 2 ? "x" : "y", std::nullopt, {event("E", i)})));
        if (t == 0 && i == 50) started.set_value();
      }
    });
  }
  started.get_future().wait();
  Collector c;
  c.by_version = true;
  auto sub = store_->subscribe_stream("x", 0, c.handler());
  for (auto& th : threads) th.join();
  ASSERT_TRUE(c.wait_count(4000));
  EXPECT_EQ(c.keys(), range(1, 4000));
}

TEST_F(SubscriptionTest, BufferOverflowDuringCatchUpRereadsFromDisk) {
  store_.reset();
  options_.subscription_buffer = 16;
  store_ = test::open_store(dir_.path(), options_);
  append_many("s", 10, 100);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Collector c;
  c.before = [&](const Record& r) {
    if (r.position == 1) released.wait();  // hold catch-up while live records overflow
  };
  auto sub = store_->subscribe_all(0, c.handler());
  append_many("s", 10, 100);  // batches of 100 > buffer of 16
  release.set_value();
  ASSERT_TRUE(c.wait_live());
  ASSERT_TRUE(c.wait_count(2000));
  EXPECT_EQ(c.keys(), range(1, 2000));
  EXPECT_FALSE(c.wait_drop(0ms));
}

TEST_F(SubscriptionTest, SlowLiveSubscriberIsDroppedAndNeverStallsAppends) {
  store_.reset();
  options_.subscription_buffer = 10;
  store_ = test::open_store(dir_.path(), options_);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Collector c;
  c.before = [&](const Record&) { released.wait(); };
  auto sub = store_->subscribe_all(0, c.handler());
  ASSERT_TRUE(c.wait_live());
  append_many("s", 50, 1);  // completes although the subscriber is stuck on the first event
  EXPECT_EQ(store_->last_position(), 50u);
  release.set_value();
  EXPECT_EQ(c.wait_drop(), DropReason::kFellBehind);
  auto keys = c.keys();
  EXPECT_LT(keys.size(), 50u);
  EXPECT_EQ(keys, range(1, keys.size()));  // in order up to the drop; resume from keys.back()
}

TEST_F(SubscriptionTest, ClosingTheStoreDropsWithClosed) {
  Collector c;
  auto sub = store_->subscribe_all(0, c.handler());
  ASSERT_TRUE(c.wait_live());
  store_.reset();
  EXPECT_EQ(c.wait_drop(0ms), DropReason::kClosed);
}

TEST_F(SubscriptionTest, CancelStopsDeliveryWithoutDrop) {
  Collector c;
  auto sub = store_->subscribe_all(0, c.handler());
  ASSERT_TRUE(c.wait_live());
  append_many("s", 1, 1);
  ASSERT_TRUE(c.wait_count(1));
  sub->cancel();
  append_many("s", 3, 1);
  sub.reset();
  EXPECT_EQ(c.keys().size(), 1u);
  EXPECT_FALSE(c.wait_drop(0ms));
}

TEST_F(SubscriptionTest, CancelAsyncFromItsOwnCallback) {
  append_many("s", 1, 10);
  Collector c;
  std::unique_ptr<Subscription> sub;
  std::promise<void> assigned;
  std::shared_future<void> ready = assigned.get_future().share();
  c.before = [&](const Record& r) {
    ready.wait();
    if (r.position == 3) sub->cancel_async();
  };
  sub = store_->subscribe_all(0, c.handler());
  assigned.set_value();
  ASSERT_TRUE(c.wait_count(3));
  sub->cancel();
  EXPECT_EQ(c.keys(), range(1, 3));
}

}  // namespace
}  // namespace grappe::es
