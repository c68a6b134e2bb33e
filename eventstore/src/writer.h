// Private: the single writer thread that group-commits appends.
//
// It takes every queued request (up to max_batch_events events), checks idempotency and expected
// versions in queue order against the stream heads (including what this batch already staged),
// stages the records in one WriteBatch, writes it with sync = true and only then advances its
// in-memory state, publishes the records and completes the callbacks. If the write fails, every
// request of the batch gets kIo and nothing in memory moves.
//
// A failed write (or RocksDB stopping writes for another reason) suspends writes: batches that
// would write something get kIo at once (a repeated command id is still answered from the disk).
// Every `retry_interval` the thread tries Db::recover(); once it succeeds, the tail (position,
// hash) is read back from the disk, the cached stream heads are dropped, and records of a failed
// batch that turned out durable are published. Writes then resume.
//
// Each record's Merkle leaf, and the subtrees it completes, go into the same batch as the record
// (merkle.h, tree.h): the tree always holds exactly the log's records. The hashing itself runs
// on a helper thread while the batch is staged (tree_stager.h).
#pragma once

#include <rocksdb/write_batch.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "grappe/eventstore/store.h"
#include "merkle.h"
#include "tree_stager.h"

namespace grappe::es::detail {

class Db;
class Fanout;

struct Pending {
  AppendRequest request;
  AppendCallback done;
  std::optional<StoreError> error;  // found before queueing; reported in queue order
};

class Writer {
 public:
  // Starts the thread. `tail_hash` is the raw hash of record `tail_position` (zeros when 0);
  // `tree` the Merkle tree's edge at that position, or why it could not be read (the log is
  // damaged: writes are then refused for good, reads and verify() go on).
  Writer(Db& db, Fanout& fanout, std::size_t max_batch_events,
         std::chrono::milliseconds retry_interval, std::uint64_t tail_position,
         std::string tail_hash, std::expected<TreeEdge, StoreError> tree, bool tree_enabled = true);
  ~Writer();  // stop()

  // Queues `p`; once stopping, calls p.done(kClosed) on the calling thread instead.
  void submit(Pending p);
  // Finishes every queued request, then joins the thread. Idempotent.
  void stop();

  // Store::import: validates `records` against the log's tail and writes them in one synced
  // batch, serialised with the group commit; publishes them once written.
  std::expected<void, StoreError> import(std::span<const Record> records);

  std::uint64_t last_position() const;
  std::string head_hash() const;  // raw bytes

  StoreHealth health() const;
  void watch_health(HealthWatcher watcher);

 private:
  using Clock = std::chrono::steady_clock;
  struct Staging {
    explicit Staging(std::size_t reserve) : batch(reserve) {}
    rocksdb::WriteBatch batch;
    std::unordered_map<std::string, std::uint64_t> heads;
    std::unordered_map<std::string, AppendResult> commands;
    std::vector<Record> records;
    TreeEdge tree;
    std::uint64_t position = 0;
    std::string hash;
    bool dirty = false;
  };

  void run();
  // The next batch (empty when only woken, or when a retry is due); nullopt once stopping and
  // the queue is empty.
  std::optional<std::vector<Pending>> take();
  void commit(std::vector<Pending>& batch);
  AppendOutcome stage(Pending& p, Staging& st);
  std::expected<std::uint64_t, StoreError> head_of(const std::string& stream, const Staging& st);
  void stage_events(AppendPart& part, std::uint64_t version, const AppendRequest& req,
                    std::chrono::sys_time<std::chrono::milliseconds> ts, Staging& st,
                    AppendResult& result);
  // Stages the import of `r` into `st`; empty when sound, else what is wrong with it.
  std::string stage_imported(const Record& r, Staging& st);
  std::string stage_command(const Record& r, Staging& st);
  // Stages the Merkle leaf of a record's canonical bytes and the subtrees it completes.
  void stage_leaf(std::string_view canonical, Staging& st);
  // Staging that continues the durable log (under commit_mu_), of about `records` records.
  void begin(Staging& st, std::size_t records);
  // Ends the batch's tree: its subtrees into the batch, its edge into st.tree.
  void end_tree(Staging& st);
  // Adds the log's head to the batch and writes it, synced.
  rocksdb::Status write(Staging& st);
  void apply(Staging& st);

  // Write faults (writer_faults.cpp).
  void wake();                                    // any thread
  std::optional<std::string> suspension() const;  // why writes are suspended, if they are
  void suspend(const std::string& reason);        // under commit_mu_
  std::optional<Clock::time_point> retry_due() const;
  void retry_if_due();  // on the writer thread
  // After recovery, under commit_mu_: the tail as the disk has it. Empty when sound, else why not.
  std::string adopt_tail();
  void notify(const StoreHealth& health);

  Db& db_;
  Fanout& fanout_;
  const std::size_t max_batch_events_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  bool woken_ = false;

  std::mutex commit_mu_;  // held by commit() and import(): one writes at a time
  std::unordered_map<std::string, std::uint64_t> heads_;  // durable heads, under commit_mu_
  TreeEdge tree_;                                         // durable tree, under commit_mu_
  const bool tree_enabled_;                               // StoreOptions::merkle_tree
  std::unique_ptr<TreeStager> stager_;                    // when tree_enabled_

  mutable std::mutex state_mu_;
  std::uint64_t position_;
  std::string hash_;

  const Clock::duration retry_interval_;
  mutable std::mutex health_mu_;
  std::optional<std::string> suspended_;  // why writes are suspended
  Clock::time_point suspended_at_;
  Clock::time_point next_try_;
  bool broken_ = false;  // the disk's log contradicts what was acknowledged: no more retries
  std::mutex watcher_mu_;
  HealthWatcher watcher_;

  std::thread thread_;
};

}  // namespace grappe::es::detail
