#include "tree.h"

#include <memory>

#include "codec.h"
#include "db.h"
#include "util.h"

namespace grappe::es::detail {
namespace {

constexpr const char* kTreeSizeKey = "tree";
constexpr std::uint64_t kUpgradeBatch = 50000;  // leaves per write while upgrading

std::expected<std::uint64_t, StoreError> stored_tree_size(Db& db) {
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  std::string value;
  auto s = lease.raw().Get(rocksdb::ReadOptions(), db.meta(), kTreeSizeKey, &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return std::unexpected(io_error(s, "read tree size"));
  if (value.size() != 8) return std::unexpected(make_error(StoreErrc::kCorrupt, "bad tree size"));
  return get_be64(value);
}

StoreError invalid(std::string message) {
  return make_error(StoreErrc::kInvalidArgument, std::move(message));
}

// A level-0 tile: the leaf hashes of the records at positions first + 1 … first + width.
std::expected<std::string, StoreError> leaf_tile(const Db::Lease& lease, Db& db,
                                                 std::uint64_t first, unsigned width) {
  std::string out;
  out.reserve(width * kHashSize);
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(rocksdb::ReadOptions(), db.log()));
  std::uint64_t want = first + 1;
  for (it->Seek(be64(want)); it->Valid() && want <= first + width; it->Next(), ++want) {
    std::string_view canonical, hash;
    if (it->key().ToStringView() != be64(want) ||
        !split_value(it->value().ToStringView(), canonical, hash)) {
      break;
    }
    out += leaf_hash(canonical);
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read tile"));
  if (want != first + width + 1) return std::unexpected(invalid("tile not available yet"));
  return out;
}

// The hash of the perfect subtree (height, index) computed from its 2^height records.
std::expected<std::string, StoreError> subtree_of_records(Db& db, unsigned height,
                                                          std::uint64_t index) {
  const std::uint64_t count = std::uint64_t{1} << height;
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  auto leaves = leaf_tile(lease, db, index * count, static_cast<unsigned>(count));
  if (!leaves && leaves.error().code == StoreErrc::kInvalidArgument) {
    return std::unexpected(make_error(
        StoreErrc::kCorrupt, "records " + std::to_string(index * count + 1) + "–" +
                                 std::to_string((index + 1) * count) + " are not all in the log"));
  }
  if (!leaves) return leaves;
  TreeEdge edge;
  for (std::uint64_t i = 0; i < count; ++i)
    edge.append(leaves->substr(i * kHashSize, kHashSize), {});
  return edge.root();
}

}  // namespace

HashReader hash_reader(Db& db) {
  return [&db](unsigned height, std::uint64_t index) -> std::expected<std::string, StoreError> {
    if (height < kMinStoredHeight) return subtree_of_records(db, height, index);
    auto lease = db.lease();
    if (!lease) return std::unexpected(closed_for_recovery());
    std::string value;
    auto s = lease.raw().Get(rocksdb::ReadOptions(), db.tree(), tree_key(height, index), &value);
    if (s.ok() && value.size() == kHashSize) return value;
    if (s.ok() || s.IsNotFound()) {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt, "Merkle tree lacks the node at height " + std::to_string(height) +
                                   ", index " + std::to_string(index)));
    }
    return std::unexpected(io_error(s, "read Merkle tree node"));
  };
}

std::expected<TreeEdge, StoreError> upgrade_tree(Db& db, std::uint64_t tail,
                                                 const TreeProgress& progress) {
  auto size = stored_tree_size(db);
  if (!size) return std::unexpected(size.error());
  // More leaves than records: the log lost its end (verify() names the missing position). The
  // store opens so that verify can say so, with writes refused (kCorrupt).
  if (*size > tail) {
    return std::unexpected(make_error(
        StoreErrc::kCorrupt, "the Merkle tree holds " + std::to_string(*size) +
                                 " leaves but the log ends at position " + std::to_string(tail)));
  }
  auto edge = TreeEdge::load(*size, hash_reader(db));
  if (!edge || *size == tail) return edge;
  const std::uint64_t first = *size;
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(ro, db.log()));
  rocksdb::WriteBatch batch;
  auto put = [&](unsigned h, std::uint64_t i, const std::string& hash) {
    if (h >= kMinStoredHeight) batch.Put(db.tree(), tree_key(h, i), hash);
  };
  auto flush = [&](bool sync) -> std::expected<void, StoreError> {
    batch.Put(db.meta(), kTreeSizeKey, be64(edge->size()));
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    auto s = lease.raw().Write(wo, &batch);
    batch.Clear();
    if (!s.ok()) return std::unexpected(io_error(s, "write Merkle tree"));
    if (progress) progress(edge->size() - first, tail - first);
    return {};
  };
  for (it->Seek(be64(first + 1)); it->Valid() && edge->size() < tail; it->Next()) {
    std::string_view canonical, hash;
    const auto position = get_be64(it->key().ToStringView());
    if (position != edge->size() + 1 || !split_value(it->value().ToStringView(), canonical, hash)) {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt, "record " + std::to_string(edge->size() + 1) +
                                   " is missing or undecodable while building the Merkle tree"));
    }
    edge->append(leaf_hash(canonical), put);
    if (edge->size() % kUpgradeBatch == 0) {
      if (auto w = flush(false); !w) return std::unexpected(w.error());
    }
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read log for tree"));
  if (edge->size() != tail) {
    return std::unexpected(
        make_error(StoreErrc::kCorrupt, "the log ends before position " + std::to_string(tail)));
  }
  if (auto w = flush(true); !w) return std::unexpected(w.error());
  return edge;
}

std::expected<std::string, StoreError> record_bytes(Db& db, std::uint64_t position) {
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  std::string value;
  auto s = lease.raw().Get(rocksdb::ReadOptions(), db.log(), be64(position), &value);
  if (s.IsNotFound())
    return std::unexpected(invalid("no record at position " + std::to_string(position)));
  if (!s.ok()) return std::unexpected(io_error(s, "read record"));
  std::string_view canonical, hash;
  if (!split_value(value, canonical, hash)) {
    return std::unexpected(make_error(
        StoreErrc::kCorrupt, "undecodable record at position " + std::to_string(position)));
  }
  return std::string(canonical);
}

std::expected<std::string, StoreError> read_tile(Db& db, unsigned level, std::uint64_t index,
                                                 unsigned width) {
  const unsigned height = 8 * level;
  if (width == 0 || width > 256 || level > 6 || index > (UINT64_MAX >> (height + 8))) {
    return std::unexpected(invalid("no such tile"));
  }
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  std::string out;
  out.reserve(width * kHashSize);
  const std::uint64_t first = index * 256;
  if (level == 0) return leaf_tile(lease, db, first, width);
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(rocksdb::ReadOptions(), db.tree()));
  std::uint64_t want = first;
  for (it->Seek(tree_key(height, first)); it->Valid() && want < first + width; it->Next()) {
    if (it->key().ToStringView() != tree_key(height, want) || it->value().size() != kHashSize) {
      break;
    }
    out.append(it->value().data(), kHashSize);
    ++want;
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read tile"));
  if (want != first + width) return std::unexpected(invalid("tile not available yet"));
  return out;
}

std::expected<void, StoreError> put_checkpoint(Db& db, const StoredCheckpoint& checkpoint) {
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = lease.raw().Put(wo, db.checkpoints(), be64(checkpoint.size),
                           checkpoint.root + checkpoint.note);
  if (!s.ok()) return std::unexpected(io_error(s, "write checkpoint"));
  return {};
}

std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
    Db& db, std::optional<std::uint64_t> size) {
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  return get_checkpoint(lease.raw(), db.checkpoints(), size, nullptr);
}

std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
    rocksdb::DB& raw, rocksdb::ColumnFamilyHandle* checkpoints, std::optional<std::uint64_t> size,
    const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(raw.NewIterator(ro, checkpoints));
  if (size) {
    it->Seek(be64(*size));
  } else {
    it->SeekToLast();
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read checkpoint"));
  if (!it->Valid() || it->key().size() != 8) return std::optional<StoredCheckpoint>();
  const auto found = get_be64(it->key().ToStringView());
  if (size && found != *size) return std::optional<StoredCheckpoint>();
  auto value = it->value().ToStringView();
  if (value.size() < kHashSize) {
    return std::unexpected(make_error(StoreErrc::kCorrupt, "undecodable checkpoint"));
  }
  return StoredCheckpoint{found, std::string(value.substr(0, kHashSize)),
                          std::string(value.substr(kHashSize))};
}

}  // namespace grappe::es::detail
