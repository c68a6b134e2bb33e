// Write faults: a disk that fills up or fails. Appends get kIo and nothing unsynced is
// acknowledged; reads and subscriptions go on; the store resumes writing by itself once the disk
// accepts writes again, from the tail the disk really has.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "fault_fs.h"
#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::FaultFs;
using test::request;
using Fault = FaultFs::Fault;
using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;

// Health notifications of a store, in order, waited for with a deadline. May outlive the store.
class HealthLog {
 public:
  explicit HealthLog(Store& store) {
    store.watch_health([state = state_](const StoreHealth& h) {
      std::lock_guard lock(state->mu);
      state->seen.push_back(h);
      state->cv.notify_all();
    });
  }

  // The next notification not yet returned, if it comes within the deadline.
  std::optional<StoreHealth> next() {
    std::unique_lock lock(state_->mu);
    if (!state_->cv.wait_for(lock, kDeadline, [&] { return state_->seen.size() > taken_; })) {
      return {};
    }
    return state_->seen[taken_++];
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<StoreHealth> seen;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::size_t taken_ = 0;
};

// Records delivered to a subscription, waited for with a deadline.
struct Received {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Record> records;

  SubscriptionHandler handler() {
    SubscriptionHandler h;
    h.on_event = [this](const Record& r) {
      std::lock_guard lock(mu);
      records.push_back(r);
      cv.notify_all();
    };
    return h;
  }
  bool wait_for_count(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kDeadline, [&] { return records.size() >= n; });
  }
};

class FaultTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open() {
    StoreOptions options;
    options.file_system = fs_;
    options.write_retry_interval = 50ms;
    return test::open_store(dir_.path(), options);
  }

  // Appends one event to "s" under command id `id`; the outcome.
  static AppendOutcome append(Store& store, int n, const std::string& id) {
    return store.append_sync(request("s", std::nullopt, {event("E", n)}, id));
  }

  // Reopened without faults: the command ids of every record, in log order.
  std::vector<std::string> ids_on_disk() {
    auto store = test::open_store(dir_.path());
    EXPECT_TRUE(store->verify().ok);
    std::vector<std::string> ids;
    for (const auto& r : test::read_everything(*store)) ids.push_back(r.command_id);
    return ids;
  }

  test::TempDir dir_{"fault"};
  std::shared_ptr<FaultFs> fs_ = std::make_shared<FaultFs>();
};

TEST_F(FaultTest, DiskFullRefusesAppendsThenResumesWithTheRightPositions) {
  auto store = open();
  HealthLog health(*store);
  Received live;
  auto sub = store->subscribe_all(0, live.handler());
  ASSERT_TRUE(append(*store, 1, "c1"));
  ASSERT_TRUE(append(*store, 2, "c2"));

  fs_->fail(Fault::kNoSpace);
  auto failed = append(*store, 3, "c3");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, StoreErrc::kIo);
  auto suspended = health.next();
  ASSERT_TRUE(suspended && suspended->degraded);
  EXPECT_TRUE(suspended->reason.starts_with("disk full")) << suspended->reason;
  EXPECT_TRUE(store->health().degraded);
  auto refused = append(*store, 4, "c4");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreErrc::kIo);

  // Reads go on, and show only what was acknowledged.
  EXPECT_EQ(store->last_position(), 2u);
  EXPECT_EQ(store->stream_version("s"), 2u);
  EXPECT_EQ(test::read_everything(*store).size(), 2u);
  EXPECT_FALSE(store->find_command("c3"));
  auto repeat = append(*store, 1, "c1");  // a repeat needs no write: answered
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->duplicate);

  fs_->fail(Fault::kNone);
  auto resumed = health.next();
  ASSERT_TRUE(resumed && !resumed->degraded);
  EXPECT_GT(resumed->outage.count(), 0);
  EXPECT_FALSE(store->health().degraded);

  auto ok = store->append_sync(request("s", 2, {event("E", 5)}, "c5"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->first_position, 3u);
  EXPECT_EQ(ok->streams[0].version, 3u);
  ASSERT_TRUE(live.wait_for_count(3));
  EXPECT_EQ(live.records[2].command_id, "c5");
  EXPECT_TRUE(store->verify().ok);
  sub.reset();
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c2", "c5"}));
}

// The first write after opening meets the fault: no memtable holds data, and RocksDB 7.8's
// Resume() would keep the write-ahead log that saw the error. The store reopens instead.
TEST_F(FaultTest, FaultOnTheFirstWriteAfterOpeningIsRecovered) {
  {
    auto store = open();
    ASSERT_TRUE(append(*store, 1, "c1"));
  }
  auto store = open();
  HealthLog health(*store);
  fs_->fail(Fault::kNoSpace);
  ASSERT_FALSE(append(*store, 2, "c2"));
  ASSERT_TRUE(health.next());
  fs_->fail(Fault::kNone);
  auto resumed = health.next();
  ASSERT_TRUE(resumed && !resumed->degraded);
  for (int i = 3; i <= 5; ++i) ASSERT_TRUE(append(*store, i, "c" + std::to_string(i)));
  EXPECT_EQ(store->last_position(), 4u);
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c3", "c4", "c5"}));
}

TEST_F(FaultTest, FaultAgainRightAfterRecoveryIsRecoveredAgain) {
  auto store = open();
  HealthLog health(*store);
  ASSERT_TRUE(append(*store, 1, "c1"));
  for (int round = 0; round < 3; ++round) {
    fs_->fail(Fault::kNoSpace);
    ASSERT_FALSE(append(*store, 2, "lost" + std::to_string(round)));
    ASSERT_TRUE(health.next());
    fs_->fail(Fault::kNone);
    auto resumed = health.next();
    ASSERT_TRUE(resumed && !resumed->degraded) << "round " << round;
  }
  ASSERT_TRUE(append(*store, 3, "c3"));
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c3"}));
}

// Any other I/O error is fatal to RocksDB (Resume() refuses it): the store reopens the database.
TEST_F(FaultTest, IoErrorIsRecoveredByReopening) {
  auto store = open();
  HealthLog health(*store);
  ASSERT_TRUE(append(*store, 1, "c1"));
  fs_->fail(Fault::kIoError);
  ASSERT_FALSE(append(*store, 2, "c2"));
  auto suspended = health.next();
  ASSERT_TRUE(suspended && suspended->degraded);
  EXPECT_TRUE(suspended->reason.starts_with("I/O error")) << suspended->reason;
  EXPECT_EQ(test::read_everything(*store).size(), 1u);
  fs_->fail(Fault::kNone);
  ASSERT_TRUE(health.next());
  EXPECT_FALSE(store->health().degraded);
  auto ok = append(*store, 3, "c3");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first_position, 2u);
  EXPECT_TRUE(store->verify().ok);
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c3"}));
}

// The batch reached the file but its sync failed: refused, yet durable once the database is
// reopened. The store takes the tail from the disk and publishes the batch's records.
TEST_F(FaultTest, BatchWhoseSyncFailedIsPublishedWhenFoundDurable) {
  auto store = open();
  HealthLog health(*store);
  Received live;
  auto sub = store->subscribe_all(0, live.handler());
  ASSERT_TRUE(append(*store, 1, "c1"));
  fs_->fail(Fault::kSyncFails);
  ASSERT_FALSE(append(*store, 2, "c2"));
  ASSERT_TRUE(health.next());
  fs_->fail(Fault::kNone);
  ASSERT_TRUE(health.next());

  // The write-ahead log had the batch: replayed when the database was reopened.
  EXPECT_EQ(store->last_position(), 2u);
  auto repeat = append(*store, 2, "c2");
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->duplicate);  // its first result comes back
  EXPECT_EQ(repeat->first_position, 2u);
  auto next = append(*store, 3, "c3");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first_position, store->last_position());
  ASSERT_TRUE(live.wait_for_count(3));
  EXPECT_EQ(live.records[1].command_id, "c2");
  EXPECT_EQ(live.records[2].command_id, "c3");
  EXPECT_TRUE(store->verify().ok);
  sub.reset();
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c2", "c3"}));
}

// A read-model write meets the fault first: appends are suspended too, without one failing.
TEST_F(FaultTest, ProjectionWriteFaultSuspendsAppends) {
  auto store = open();
  HealthLog health(*store);
  ASSERT_TRUE(append(*store, 1, "c1"));
  fs_->fail(Fault::kNoSpace);
  ProjectionWrite write{"model", false, {{"k", "v"}}, {}, 1, "v1"};
  EXPECT_FALSE(store->write_projection(write));
  auto suspended = health.next();
  ASSERT_TRUE(suspended && suspended->degraded);
  EXPECT_FALSE(append(*store, 2, "c2"));
  fs_->fail(Fault::kNone);
  ASSERT_TRUE(health.next());
  EXPECT_TRUE(store->write_projection(write));
  ASSERT_TRUE(append(*store, 3, "c3"));
  store.reset();
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1", "c3"}));
}

TEST_F(FaultTest, RetriesAreSpacedByTheInterval) {
  auto store = open();
  HealthLog health(*store);
  fs_->fail(Fault::kNoSpace);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_FALSE(append(*store, 1, "c1"));
  ASSERT_TRUE(health.next());
  const int before = fs_->probes();
  // Appends while suspended do not bring retries forward.
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(append(*store, i, "x" + std::to_string(i)));
  ASSERT_TRUE(fs_->wait_for_probes(before + 3, kDeadline));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 3 * 50ms);
}

TEST_F(FaultTest, ClosingWhileSuspendedKeepsWhatWasAcknowledged) {
  auto store = open();
  ASSERT_TRUE(append(*store, 1, "c1"));
  fs_->fail(Fault::kNoSpace);
  ASSERT_FALSE(append(*store, 2, "c2"));
  store.reset();  // returns: nothing waits for the disk
  fs_->fail(Fault::kNone);
  EXPECT_EQ(ids_on_disk(), (std::vector<std::string>{"c1"}));
}

}  // namespace
}  // namespace grappe::es
