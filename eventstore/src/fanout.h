// Private: live publication of appended records to subscriptions.
//
// Ordering argument (no gap, no duplicate): the writer publishes a batch only after it is
// written, under the fan-out's mutex. A subscription registers under that mutex before it reads
// the disk, so every record is either on disk when it reads or published to its buffer
// afterwards; records seen twice are skipped by position (or version, for a stream).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

class Db;
using RecordBatch = std::shared_ptr<const std::vector<Record>>;

// State shared by a subscription's thread, the writer (publish) and the handle (cancel).
class SubscriptionCore {
 public:
  SubscriptionCore(std::optional<std::string> stream, std::uint64_t from,
                   SubscriptionHandler handler, std::size_t capacity);

  // Writer thread: buffers the batch's matching records; never waits for delivery. Past the
  // capacity: during catch-up the buffer is discarded (the disk has the records), when live the
  // subscription is dropped with kFellBehind.
  void publish(const RecordBatch& batch);
  void stop(DropReason reason);  // ends delivery with on_drop(reason) unless already ended
  void cancel();                 // ends delivery without on_drop
  void run(Db& db);              // the subscription's thread: catch up, then live

 private:
  enum class State { kRunning, kCancelled, kDropped };
  struct Item {
    RecordBatch batch;
    std::size_t matching;
  };

  bool catch_up(Db& db);
  void live();
  bool running() const { return active_.load(std::memory_order_acquire); }
  void end(State state, DropReason reason);  // with mu_ held
  bool deliver(const Record& r);             // false when delivery has to stop
  std::size_t matching(const std::vector<Record>& batch) const;

  const std::optional<std::string> stream_;
  std::uint64_t last_;  // position (or version for a stream) of the last record delivered
  SubscriptionHandler handler_;
  const std::size_t capacity_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> buffer_;
  std::size_t queued_ = 0;  // records buffered or being delivered
  bool overflowed_ = false;
  bool live_ = false;
  State state_ = State::kRunning;
  std::atomic<bool> active_{true};  // state_ == kRunning, readable without the mutex
  DropReason reason_ = DropReason::kClosed;
};

// Fans each written batch out to every live subscription (each buffers it for its own thread).
class Fanout {
 public:
  // Registers `s` for live records; false once the fan-out is closed.
  bool add(std::shared_ptr<SubscriptionCore> s);
  void remove(const SubscriptionCore* s);  // by the subscription's thread, as it ends
  void publish(const RecordBatch& batch);  // writer thread, after the batch is durable
  // Drops every subscription with kClosed and waits until their threads stopped using the DB.
  void close_and_wait();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<SubscriptionCore>> subs_;
  bool closed_ = false;
};

// Starts a subscription's thread. `db` must outlive it: Fanout::close_and_wait() guarantees that.
std::unique_ptr<Subscription> start_subscription(std::shared_ptr<Fanout> fanout, Db& db,
                                                 std::shared_ptr<SubscriptionCore> core);

}  // namespace grappe::es::detail
