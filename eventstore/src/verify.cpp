#include "verify.h"

#include <memory>

#include "codec.h"
#include "db.h"
#include "merkle.h"
#include "tree.h"

namespace grappe::es::detail {
namespace {

constexpr std::uint64_t kProgressEvery = 100000;

VerifyResult bad(VerifyResult r, std::uint64_t position, std::string problem) {
  r.ok = false;
  r.first_bad_position = position;
  r.problem = std::move(problem);
  return r;
}

// Compares the subtree hashes recomputed from the records with those stored in `tree`, reading
// each height's in index order (the order an append completes them) with its own iterator.
class TreeCheck {
 public:
  TreeCheck(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::ReadOptions& ro)
      : db_(db), cf_(cf), ro_(ro) {}

  // Empty when the leaf and the subtrees it completes are stored as recomputed.
  std::string add(std::string_view canonical) {
    problem_.clear();
    edge_.append(leaf_hash(canonical), [this](unsigned h, std::uint64_t i, const std::string& x) {
      if (problem_.empty()) compare(h, i, x);
    });
    return problem_;
  }
  const TreeEdge& edge() const { return edge_; }

 private:
  void compare(unsigned h, std::uint64_t i, const std::string& hash) {
    if (h < kMinStoredHeight) return;  // not stored: recomputed from the records
    if (h >= its_.size()) its_.resize(h + 1);
    auto& it = its_[h];
    const auto key = tree_key(h, i);
    if (!it) {
      it.reset(db_.NewIterator(ro_, cf_));
      it->Seek(key);
    } else {
      it->Next();
    }
    const std::string where = " at height " + std::to_string(h) + ", index " + std::to_string(i);
    if (!it->Valid() || it->key().ToStringView() != key) {
      problem_ = "Merkle tree node missing" + where;
      it.reset();
    } else if (it->value().ToStringView() != hash) {
      problem_ = "Merkle tree node altered" + where;
    }
  }

  rocksdb::DB& db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::ReadOptions ro_;
  TreeEdge edge_;
  std::vector<std::unique_ptr<rocksdb::Iterator>> its_;
  std::string problem_;
};

// Empty when the record at `position` is sound; else what is wrong. Advances `prev`.
std::string check_record(std::uint64_t position, std::string_view value, std::string& prev,
                         TreeCheck& tree) {
  std::string_view canonical, stored;
  Record r;
  if (!split_value(value, canonical, stored) || !decode_record(value, r)) {
    return "record does not decode";
  }
  if (r.position != position) {
    return "record claims position " + std::to_string(r.position);
  }
  unsigned char hash[kHashSize];
  chain_hash(prev, canonical, hash);
  std::string_view computed(reinterpret_cast<const char*>(hash), kHashSize);
  if (computed != stored) return "hash mismatch: record altered or chain broken";
  prev.assign(computed);
  return tree.add(canonical);
}

}  // namespace

VerifyResult verify_log(Db& db, const std::function<void(std::uint64_t)>& progress) {
  VerifyResult result;
  auto lease = db.lease();
  if (!lease) return bad(result, 1, closed_for_recovery().message);
  Snapshot snap(lease.raw());
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.snap;
  ro.fill_cache = false;
  ro.readahead_size = 4 << 20;
  std::string prev(kHashSize, '\0');
  std::uint64_t expected = 1;
  auto checkpoint = get_checkpoint(lease.raw(), db.checkpoints(), std::nullopt, snap.snap);
  if (!checkpoint) return bad(result, 1, checkpoint.error().message);
  TreeCheck tree(lease.raw(), db.tree(), ro);
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(ro, db.log()));
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    auto key = it->key().ToStringView();
    std::uint64_t position = key.size() == 8 ? get_be64(key) : 0;
    if (position != expected) {
      return bad(result, expected, "position " + std::to_string(expected) + " is missing");
    }
    if (auto problem = check_record(position, it->value().ToStringView(), prev, tree);
        !problem.empty()) {
      return bad(result, position, problem);
    }
    result.events = position;
    result.head = to_hex(prev);
    if (*checkpoint && (*checkpoint)->size == position) {
      if ((*checkpoint)->root != tree.edge().root()) {
        return bad(result, position,
                   "the latest signed checkpoint's root differs from the tree of the log");
      }
      result.checkpoint = position;
    }
    if (progress && position % kProgressEvery == 0) progress(position);
  }
  if (!it->status().ok()) return bad(result, expected, "read failed: " + it->status().ToString());
  std::string head;
  auto s = lease.raw().Get(ro, db.meta(), "head", &head);
  if (s.ok() && head.size() == 8 + kHashSize) {
    std::uint64_t last = get_be64(head);
    if (last > result.events) {
      return bad(result, expected,
                 "position " + std::to_string(expected) + " is missing (the log should end at " +
                     std::to_string(last) + ")");
    }
    if (last == result.events && std::string_view(head).substr(8) != prev) {
      return bad(result, last, "last hash differs from the recorded head");
    }
  }
  if (*checkpoint && (*checkpoint)->size > result.events) {
    return bad(result, result.events + 1,
               "a signed checkpoint covers " + std::to_string((*checkpoint)->size) +
                   " records; the log ends at " + std::to_string(result.events));
  }
  result.root = to_hex(tree.edge().root());
  if (progress) progress(result.events);
  return result;
}

}  // namespace grappe::es::detail
