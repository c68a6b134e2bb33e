// Private: the RocksDB database and its column families, and the reads on it.
// Thread-safe: RocksDB handles concurrent reads and writes.
#pragma once

#include <rocksdb/db.h>

#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

class Db {
 public:
  // Opens or creates the database in `dir` (creating the column families a store made by an
  // earlier version lacks, such as `projections`): kLocked when another process holds it, kCorrupt
  // when the folder holds something else, kIo otherwise.
  static std::expected<std::unique_ptr<Db>, StoreError> open(const std::filesystem::path& dir,
                                                             bool create_if_missing);
  ~Db();  // closes the database (after every user of it has stopped)

  rocksdb::DB& raw() { return *db_; }
  rocksdb::ColumnFamilyHandle* log() const { return cf_[1]; }
  rocksdb::ColumnFamilyHandle* streams() const { return cf_[2]; }
  // cf_[3], `heads`, is no longer used: head() reads the last key of the stream in `streams`.
  rocksdb::ColumnFamilyHandle* commands() const { return cf_[4]; }
  rocksdb::ColumnFamilyHandle* meta() const { return cf_[5]; }
  rocksdb::ColumnFamilyHandle* projections() const { return cf_[6]; }
  const std::filesystem::path& dir() const { return dir_; }

  std::expected<std::vector<Record>, StoreError> read_all(std::uint64_t from, std::size_t max);
  std::expected<std::vector<Record>, StoreError> read_stream(std::string_view stream,
                                                             std::uint64_t from, std::size_t max,
                                                             Direction direction);
  // The last version of `stream` (0 when it has no event).
  std::expected<std::uint64_t, StoreError> head(std::string_view stream);
  // Position and raw hash of the last record of the log ({0, 32 zero bytes} when empty).
  std::expected<std::pair<std::uint64_t, std::string>, StoreError> tail();
  std::expected<std::optional<AppendResult>, StoreError> command(std::string_view id);

 private:
  Db() = default;
  std::expected<std::vector<Record>, StoreError> records_at(
      const std::vector<std::uint64_t>& positions);

  std::filesystem::path dir_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;
  std::unique_ptr<rocksdb::DB> db_;
};

StoreError io_error(const rocksdb::Status& s, std::string_view what);

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
