#include "verify.h"

#include <memory>

#include "codec.h"
#include "db.h"

namespace grappe::es::detail {
namespace {

constexpr std::uint64_t kProgressEvery = 100000;

VerifyResult bad(VerifyResult r, std::uint64_t position, std::string problem) {
  r.ok = false;
  r.first_bad_position = position;
  r.problem = std::move(problem);
  return r;
}

// Empty when the record at `position` is sound; else what is wrong. Advances `prev`.
std::string check_record(std::uint64_t position, std::string_view value, std::string& prev) {
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
  return {};
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
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(ro, db.log()));
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    auto key = it->key().ToStringView();
    std::uint64_t position = key.size() == 8 ? get_be64(key) : 0;
    if (position != expected) {
      return bad(result, expected, "position " + std::to_string(expected) + " is missing");
    }
    if (auto problem = check_record(position, it->value().ToStringView(), prev); !problem.empty()) {
      return bad(result, position, problem);
    }
    result.events = position;
    result.head = to_hex(prev);
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
  if (progress) progress(result.events);
  return result;
}

}  // namespace grappe::es::detail
