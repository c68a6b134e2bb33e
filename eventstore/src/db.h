// Private: the RocksDB database and its column families, the reads on it, and getting it
// writable again after a write fault (db_recovery.cpp).
//
// Thread-safe: RocksDB handles concurrent reads and writes. Every use of the database holds a
// Lease (a shared lock); only recover(), called by the writer thread, takes the lock exclusively,
// when it has to close and reopen the database.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

class StopListener;

class Db {
 public:
  struct Settings {
    bool create_if_missing = true;
    std::shared_ptr<rocksdb::FileSystem> file_system;  // empty: the operating system's
  };

  // Opens or creates the database in `dir` (creating the column families a store made by an
  // earlier version lacks, such as `projections`): kLocked when another process holds it, kCorrupt
  // when the folder holds something else, kIo otherwise.
  static std::expected<std::unique_ptr<Db>, StoreError> open(const std::filesystem::path& dir,
                                                             Settings settings);
  ~Db();  // closes the database (after every user of it has stopped)

  // A shared hold on the database: it is not closed or reopened while a lease lives. False when
  // no database is open (a reopen failed; the next recover() tries again): reads fail with kIo.
  class Lease {
   public:
    explicit operator bool() const { return db_ != nullptr; }
    rocksdb::DB& raw() const { return *db_; }

   private:
    friend class Db;
    Lease(std::shared_mutex& mu, rocksdb::DB* const& db) : lock_(mu), db_(db) {}
    std::shared_lock<std::shared_mutex> lock_;
    rocksdb::DB* db_;
  };
  Lease lease() const { return Lease(mu_, db_); }

  // Column families. The handles change when the database is reopened: use them with a lease
  // held, or on the writer thread under its commit lock (recover() runs there too).
  rocksdb::ColumnFamilyHandle* log() const { return cf_[1]; }
  rocksdb::ColumnFamilyHandle* streams() const { return cf_[2]; }
  // cf_[3], `heads`, is no longer used: head() reads the last key of the stream in `streams`.
  rocksdb::ColumnFamilyHandle* commands() const { return cf_[4]; }
  rocksdb::ColumnFamilyHandle* meta() const { return cf_[5]; }
  rocksdb::ColumnFamilyHandle* projections() const { return cf_[6]; }
  // The Merkle tree's stored subtree hashes (merkle.h) and the signed checkpoints (tree.h).
  rocksdb::ColumnFamilyHandle* tree() const { return cf_[7]; }
  rocksdb::ColumnFamilyHandle* checkpoints() const { return cf_[8]; }
  const std::filesystem::path& dir() const { return dir_; }

  // Writes `batch` under a lease.
  rocksdb::Status write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch);

  std::expected<std::vector<Record>, StoreError> read_all(std::uint64_t from, std::size_t max);
  // Store::read_all_of_types: only records of `types` are decoded.
  std::expected<std::vector<Record>, StoreError> read_all_of_types(
      std::uint64_t from, std::size_t max_scanned, std::span<const std::string> types,
      std::uint64_t* scanned_to);
  std::expected<std::vector<Record>, StoreError> read_stream(std::string_view stream,
                                                             std::uint64_t from, std::size_t max,
                                                             Direction direction);
  // The last version of `stream` (0 when it has no event).
  std::expected<std::uint64_t, StoreError> head(std::string_view stream);
  // Position and raw hash of the last record of the log ({0, 32 zero bytes} when empty).
  std::expected<std::pair<std::uint64_t, std::string>, StoreError> tail();
  std::expected<std::optional<AppendResult>, StoreError> command(std::string_view id);

  // --- Write faults (db_recovery.cpp).
  // Why RocksDB refuses writes (it met a hard or fatal error and stopped), if it does.
  std::optional<std::string> stopped() const;
  // `fn` runs each time RocksDB stops accepting writes, on whatever thread met the error, under
  // RocksDB's mutex and this Db's: keep it short, and call nothing of this Db from it. Empty:
  // none. Once on_stop() returns, the previous function is not running.
  void on_stop(std::function<void()> fn);
  // One attempt, on the writer thread, at making the database writable again: a probe file
  // written and synced first (the disk must accept writes), then DB::Resume(), or a close and
  // reopen when Resume() cannot help (a fatal error, or a write-ahead log that met the error and
  // that Resume() would keep). OK when writes are accepted again; the log's tail must then be
  // read again (a batch whose sync failed may have landed).
  rocksdb::Status recover();

 private:
  friend class StopListener;
  Db() = default;
  std::expected<std::vector<Record>, StoreError> records_at(
      const Lease& lease, const std::vector<std::uint64_t>& positions);
  // Opens the database into db_ and cf_ (read-only: no write, for reads while the disk fails).
  rocksdb::Status open_raw(bool read_only);
  void configure_faults(rocksdb::Options& options);
  void close_raw();  // with mu_ held exclusively, or from the destructor
  rocksdb::Status probe();
  rocksdb::Status reopen();  // with mu_ held exclusively
  bool resume_switches_wal();
  std::uint64_t current_wal();
  void stopped_by(rocksdb::BackgroundErrorReason reason, const rocksdb::Status& error);
  void clear_stop();

  std::filesystem::path dir_;
  bool create_if_missing_ = true;
  std::shared_ptr<rocksdb::FileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;  // over fs_ when a file system was given
  std::shared_ptr<StopListener> listener_;

  mutable std::shared_mutex mu_;  // shared: every Lease; exclusive: close and reopen
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;
  rocksdb::DB* db_ = nullptr;  // owned; nullptr when a reopen failed
  bool read_only_ = false;     // opened read-only after a failed reopen

  mutable std::mutex stop_mu_;
  std::function<void()> on_stop_;       // under stop_mu_
  std::optional<std::string> stopped_;  // set by the listener, cleared by recover()
  std::atomic<bool> fatal_{false};      // a fatal error: only a reopen can help
  // The write-ahead log was switched after the last failed write to it, so a write error cannot
  // be stuck in it (RocksDB 7.8 keeps failing, and asserts, on a log that saw an error).
  std::atomic<bool> fresh_wal_{false};
};

StoreError io_error(const rocksdb::Status& s, std::string_view what);
// A write fault for operators: "disk full: …" (no space left) or "I/O error: …".
std::string fault_reason(const rocksdb::Status& s);
// kIo for a lease that holds no database.
StoreError closed_for_recovery();

// A RocksDB snapshot, released by the destructor.
struct Snapshot {
  explicit Snapshot(rocksdb::DB& d) : db(d), snap(d.GetSnapshot()) {}
  ~Snapshot() { db.ReleaseSnapshot(snap); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  rocksdb::DB& db;
  const rocksdb::Snapshot* snap;
};

}  // namespace grappe::es::detail
