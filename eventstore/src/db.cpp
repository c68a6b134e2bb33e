// RocksDB access: open, column families, reads.
#include "db.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <algorithm>

#include "codec.h"
#include "info_log.h"
#include "util.h"

namespace grappe::es::detail {
namespace {

constexpr const char* kFormatKey = "format";
constexpr const char* kFormat = "grappe-eventstore/1";

rocksdb::Options db_options(bool create_if_missing) {
  rocksdb::Options o;
  o.create_if_missing = create_if_missing;
  o.create_missing_column_families = true;
  o.IncreaseParallelism(2);
  o.max_background_jobs = 2;
  o.keep_log_file_num = 4;
  // Required by the hash memtable of `commands`; the store has one writer thread.
  o.allow_concurrent_memtable_write = false;
  return o;
}

// The stream part of a `streams` key (stream ‖ NUL ‖ be64 version).
class StreamOfIndexKey final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "grappe.StreamOfIndexKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

// The whole key as its own prefix: the hash memtables of the point-looked-up column families
// bucket by key, and their bloom filters answer for whole keys.
class WholeKey final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "grappe.WholeKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override { return key; }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

// The log's keys (be64 positions) only ever grow: one insert position for the whole memtable.
class WholeKeySpace final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "grappe.WholeKeySpace"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 0);
  }
  bool InDomain(const rocksdb::Slice&) const override { return true; }
};

// The height byte of a `tree` key: at each height, subtrees are completed in index order, so
// each insert goes right after the previous one of its height.
class TreeHeight final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "grappe.TreeHeight"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= 1; }
};

// The store's column families, with their options.
std::vector<rocksdb::ColumnFamilyDescriptor> column_families() {
  rocksdb::ColumnFamilyOptions cfo;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  // Read models are rewritten entry by entry as they change: a smaller memtable keeps the
  // server's memory low (they are derived data; the log is the truth).
  rocksdb::ColumnFamilyOptions projections_cfo;
  projections_cfo.write_buffer_size = 16 << 20;
  // Looked up by whole key, nearly always for a key that is absent (a new command id, a new
  // stream): bloom filters in the memtable and the table files answer those misses without a
  // search. Never iterated, and written with random keys (a command id, a stream name, for each
  // append): a hash memtable inserts those without searching a skip list of the whole memtable.
  rocksdb::ColumnFamilyOptions point_cfo;
  point_cfo.prefix_extractor = std::make_shared<WholeKey>();
  point_cfo.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 16));
  point_cfo.memtable_prefix_bloom_size_ratio = 0.02;
  point_cfo.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions point_table;
  point_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  point_table.whole_key_filtering = true;
  point_cfo.table_factory.reset(rocksdb::NewBlockBasedTableFactory(point_table));
  // A stream's index keys (stream, version) arrive in version order: the memtable keeps an
  // insert position per stream instead of searching from the top for each.
  rocksdb::ColumnFamilyOptions streams_cfo;
  streams_cfo.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamOfIndexKey>();
  // Appended at the end, record after record: the memtable inserts after the last one.
  rocksdb::ColumnFamilyOptions log_cfo;
  log_cfo.memtable_insert_with_hint_prefix_extractor = std::make_shared<WholeKeySpace>();
  cfs.emplace_back("default", cfo);
  cfs.emplace_back("log", log_cfo);
  cfs.emplace_back("streams", streams_cfo);
  // No longer written: a stream's head is its last key in `streams`. Opened for the stores
  // that have it.
  cfs.emplace_back("heads", point_cfo);
  cfs.emplace_back("commands", point_cfo);
  cfs.emplace_back("meta", cfo);
  cfs.emplace_back("projections", projections_cfo);
  // Subtree hashes: looked up one by one for proofs, read in runs for tiles; written in
  // ascending index order at each height.
  rocksdb::ColumnFamilyOptions tree_cfo;
  tree_cfo.memtable_insert_with_hint_prefix_extractor = std::make_shared<TreeHeight>();
  cfs.emplace_back("tree", tree_cfo);
  cfs.emplace_back("checkpoints", cfo);
  return cfs;
}

bool is_lock_error(const rocksdb::Status& s) {
  return s.IsIOError() && (s.ToString().find("LOCK") != std::string::npos ||
                           s.ToString().find("lock") != std::string::npos);
}

StoreError corrupt(std::string message) {
  return make_error(StoreErrc::kCorrupt, std::move(message));
}

}  // namespace

StoreError io_error(const rocksdb::Status& s, std::string_view what) {
  return make_error(StoreErrc::kIo, std::string(what) + ": " + s.ToString());
}

StoreError closed_for_recovery() {
  return make_error(StoreErrc::kIo, "event store is being reopened after a write fault");
}

std::expected<std::unique_ptr<Db>, StoreError> Db::open(const std::filesystem::path& dir,
                                                        Settings settings) {
  std::unique_ptr<Db> db(new Db());
  db->dir_ = dir;
  db->create_if_missing_ = settings.create_if_missing;
  db->fs_ = settings.file_system;
  if (db->fs_) {
    db->env_ = rocksdb::NewCompositeEnv(db->fs_);
  } else {
    db->fs_ = rocksdb::FileSystem::Default();
  }
  std::error_code ec;
  if (settings.create_if_missing) std::filesystem::create_directories(dir, ec);
  rocksdb::Status s = db->open_raw(false);
  if (is_lock_error(s)) {
    return std::unexpected(make_error(
        StoreErrc::kLocked,
        "event store " + dir.string() + " is in use by another process (is the server running?)"));
  }
  if (s.IsInvalidArgument() && s.ToString().find("does not exist") == std::string::npos) {
    return std::unexpected(corrupt(dir.string() + " is not a Grappe event store: " + s.ToString()));
  }
  if (!s.ok()) return std::unexpected(io_error(s, "cannot open event store " + dir.string()));
  // Files of a bulk projection write that a crash interrupted (see projection_data.cpp): never
  // ingested, so never part of the database; this process now holds the folder alone.
  std::filesystem::remove_all(dir / "ingest", ec);
  std::string format;
  s = db->db_->Get({}, db->meta(), kFormatKey, &format);
  if (s.IsNotFound()) {
    auto tail = db->tail();
    if (!tail) return std::unexpected(tail.error());
    if (tail->first != 0)
      return std::unexpected(corrupt(dir.string() + " has records but no format mark"));
    s = db->db_->Put(rocksdb::WriteOptions(), db->meta(), kFormatKey, kFormat);
  } else if (s.ok() && format != kFormat) {
    return std::unexpected(corrupt(dir.string() + " has unknown format " + format));
  }
  if (!s.ok()) return std::unexpected(io_error(s, "cannot read event store format"));
  return db;
}

rocksdb::Status Db::open_raw(bool read_only) {
  auto cfs = column_families();
  rocksdb::Options options = db_options(create_if_missing_);
  if (env_) options.env = env_.get();
  std::error_code ec;
  if (std::filesystem::is_directory(dir_, ec)) {
    options.info_log = open_info_log(dir_, options.info_log_level);
  }
  configure_faults(options);
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s =
      read_only ? rocksdb::DB::OpenForReadOnly(options, dir_.string(), cfs, &handles, &raw)
                : rocksdb::DB::Open(options, dir_.string(), cfs, &handles, &raw);
  if (!s.ok()) return s;
  db_ = raw;
  cf_ = std::move(handles);
  read_only_ = read_only;
  return s;
}

void Db::close_raw() {
  if (!db_) return;
  for (auto* h : cf_) db_->DestroyColumnFamilyHandle(h);
  cf_.clear();
  db_->Close().PermitUncheckedError();  // after a write fault: "Seen error", closed all the same
  delete db_;
  db_ = nullptr;
}

Db::~Db() {
  if (!db_) return;
  if (!read_only_ && !stopped()) {
    // Memtables to disk now, so that the next open has no write-ahead log to replay: a server
    // restart or an admin command then opens in milliseconds instead of re-reading the log's
    // tail.
    rocksdb::FlushOptions fo;
    fo.wait = true;
    db_->Flush(fo, cf_).PermitUncheckedError();
  }
  close_raw();
}

rocksdb::Status Db::write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
  auto l = lease();
  if (!l) return rocksdb::Status::IOError(closed_for_recovery().message);
  return l.raw().Write(options, batch);
}

std::expected<std::vector<Record>, StoreError> Db::read_all(std::uint64_t from, std::size_t max) {
  std::vector<Record> out;
  if (max == 0) return out;
  out.reserve(std::min<std::size_t>(max, 4096));
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  std::unique_ptr<rocksdb::Iterator> it(l.raw().NewIterator(rocksdb::ReadOptions(), log()));
  for (it->Seek(be64(from + 1)); it->Valid() && out.size() < max; it->Next()) {
    Record r;
    if (!decode_record(std::string_view(it->value().data(), it->value().size()), r)) {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt,
          "undecodable record at position " + std::to_string(get_be64(it->key().ToStringView()))));
    }
    out.push_back(std::move(r));
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read_all"));
  return out;
}

std::expected<std::vector<Record>, StoreError> Db::read_all_of_types(
    std::uint64_t from, std::size_t max_scanned, std::span<const std::string> types,
    std::uint64_t* scanned_to) {
  std::vector<Record> out;
  *scanned_to = from;
  if (max_scanned == 0) return out;
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  // A long scan of old records (a catch-up) must not evict from the block cache what the
  // writer and the readers of recent records use.
  rocksdb::ReadOptions options;
  options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(l.raw().NewIterator(options, log()));
  std::size_t scanned = 0;
  for (it->Seek(be64(from + 1)); it->Valid() && scanned < max_scanned; it->Next(), ++scanned) {
    const std::string_view value(it->value().data(), it->value().size());
    const auto position = get_be64(it->key().ToStringView());
    const auto corrupt = [&] {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt, "undecodable record at position " + std::to_string(position)));
    };
    const auto type = peek_type(value);
    if (!type) return corrupt();
    if (std::find(types.begin(), types.end(), *type) != types.end()) {
      Record r;
      if (!decode_record(value, r)) return corrupt();
      out.push_back(std::move(r));
    }
    *scanned_to = position;
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read_all_of_types"));
  return out;
}

std::expected<std::vector<Record>, StoreError> Db::read_stream(std::string_view stream,
                                                               std::uint64_t from, std::size_t max,
                                                               Direction direction) {
  std::vector<std::uint64_t> positions;
  std::string prefix(stream);
  prefix.push_back('\0');
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  std::unique_ptr<rocksdb::Iterator> it(l.raw().NewIterator(rocksdb::ReadOptions(), streams()));
  auto in_stream = [&] {
    auto k = it->key().ToStringView();
    return k.size() == prefix.size() + 8 && k.starts_with(prefix);
  };
  if (direction == Direction::kForward) {
    if (from == UINT64_MAX) return std::vector<Record>{};
    for (it->Seek(stream_key(stream, from + 1));
         it->Valid() && in_stream() && positions.size() < max; it->Next()) {
      positions.push_back(get_be64(it->value().ToStringView()));
    }
  } else {
    if (from == 0) return std::vector<Record>{};
    for (it->SeekForPrev(stream_key(stream, from - 1));
         it->Valid() && in_stream() && positions.size() < max; it->Prev()) {
      positions.push_back(get_be64(it->value().ToStringView()));
    }
  }
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read_stream"));
  it.reset();
  return records_at(l, positions);
}

std::expected<std::vector<Record>, StoreError> Db::records_at(
    const Lease& l, const std::vector<std::uint64_t>& positions) {
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (auto p : positions) keys.push_back(be64(p));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  l.raw().MultiGet(rocksdb::ReadOptions(), log(), keys.size(), slices.data(), values.data(),
                   statuses.data());
  std::vector<Record> out(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!statuses[i].ok()) return std::unexpected(io_error(statuses[i], "read_stream record"));
    if (!decode_record(values[i].ToStringView(), out[i])) {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt, "undecodable record at position " + std::to_string(positions[i])));
    }
  }
  return out;
}

std::expected<std::uint64_t, StoreError> Db::head(std::string_view stream) {
  // The stream's last index key: its keys sort by version after the stream's name and a NUL.
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  std::unique_ptr<rocksdb::Iterator> it(l.raw().NewIterator(rocksdb::ReadOptions(), streams()));
  it->SeekForPrev(stream_key(stream, UINT64_MAX));
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read stream head"));
  if (!it->Valid()) return 0;
  auto k = it->key().ToStringView();
  if (k.size() != stream.size() + 9 || !k.starts_with(stream) || k[stream.size()] != '\0') {
    return 0;  // the key before is another stream's: this one has no event
  }
  return get_be64(k.substr(stream.size() + 1));
}

std::expected<std::pair<std::uint64_t, std::string>, StoreError> Db::tail() {
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  std::unique_ptr<rocksdb::Iterator> it(l.raw().NewIterator(rocksdb::ReadOptions(), log()));
  it->SeekToLast();
  if (!it->status().ok()) return std::unexpected(io_error(it->status(), "read last record"));
  if (!it->Valid()) return std::pair<std::uint64_t, std::string>(0, std::string(kHashSize, '\0'));
  std::string_view canonical, hash;
  if (it->key().size() != 8 || !split_value(it->value().ToStringView(), canonical, hash)) {
    return std::unexpected(make_error(StoreErrc::kCorrupt, "undecodable last record"));
  }
  return std::pair<std::uint64_t, std::string>(get_be64(it->key().ToStringView()),
                                               std::string(hash));
}

std::expected<std::optional<AppendResult>, StoreError> Db::command(std::string_view id) {
  std::string v;
  auto l = lease();
  if (!l) return std::unexpected(closed_for_recovery());
  auto s = l.raw().Get(rocksdb::ReadOptions(), commands(), id, &v);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return std::unexpected(io_error(s, "read command"));
  auto r = decode_result(v);
  if (!r) return std::unexpected(make_error(StoreErrc::kCorrupt, "undecodable command result"));
  r->duplicate = true;
  return r;
}

}  // namespace grappe::es::detail
