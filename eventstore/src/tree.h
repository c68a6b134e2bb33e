// Private: the Merkle tree and the signed checkpoints as they are kept in RocksDB.
//
// `tree` column family: the stored subtree hashes (merkle.h). `meta` key "tree": u64be number of
// leaves the tree holds, written in the same synced batch as the records (so it equals the
// log's last position, unless a version that knew no tree appended since: see upgrade_tree).
// `checkpoints` column family: u64be size → raw root (32 bytes) ‖ the signed note, opaque here.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "grappe/eventstore/store.h"
#include "merkle.h"

namespace grappe::es::detail {

class Db;

// Reads subtree hashes from `db` (a missing one is kCorrupt: the tree lacks a node it must have).
HashReader hash_reader(Db& db);

// Brings the tree up to the log's tail `tail`: a store written before the tree existed, or
// appended to by such a version, gets the leaves it lacks, read from the log in batches (each
// carrying the tree's new size, so an interruption resumes where it stopped), reporting
// progress. Returns the tree's edge at `tail`.
std::expected<TreeEdge, StoreError> upgrade_tree(Db& db, std::uint64_t tail,
                                                 const TreeProgress& progress);

// The canonical bytes of the record at `position` (kInvalidArgument when there is none).
std::expected<std::string, StoreError> record_bytes(Db& db, std::uint64_t position);

// The hashes of tile (level, index) of `width`, concatenated; kInvalidArgument when the tree
// does not hold that many yet.
std::expected<std::string, StoreError> read_tile(Db& db, unsigned level, std::uint64_t index,
                                                 unsigned width);

std::expected<void, StoreError> put_checkpoint(Db& db, const StoredCheckpoint& checkpoint);
// The checkpoint of `size`, or the latest one when `size` is nullopt.
std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
    Db& db, std::optional<std::uint64_t> size);
// The same through `raw`, for a caller that already holds a lease (verify_log): a shared lock is
// not taken twice by one thread.
std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
    rocksdb::DB& raw, rocksdb::ColumnFamilyHandle* checkpoints, std::optional<std::uint64_t> size,
    const rocksdb::Snapshot* snapshot);

}  // namespace grappe::es::detail
