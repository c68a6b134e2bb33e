#include "projection_data.h"

#include <rocksdb/sst_file_writer.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "codec.h"
#include "db.h"
#include "util.h"

namespace grappe::es::detail {
namespace {

constexpr std::size_t kMaxNameLength = 64;

std::string data_key(std::string_view name, std::string_view key) {
  std::string k;
  k.reserve(name.size() + 1 + key.size());
  k.append(name);
  k.push_back('\0');
  k.append(key);
  return k;
}

std::string data_begin(std::string_view name) {
  return data_key(name, {});
}

std::string checkpoint_key(std::string_view name) {
  std::string k(name);
  k.push_back('\x01');
  return k;
}

std::expected<std::optional<ProjectionCheckpoint>, StoreError> decode_checkpoint(
    const rocksdb::Status& s, std::string_view value, std::string_view name) {
  if (s.IsNotFound()) return std::optional<ProjectionCheckpoint>();
  if (!s.ok())
    return std::unexpected(io_error(s, "read checkpoint of projection " + std::string(name)));
  if (value.size() < 8) {
    return std::unexpected(make_error(StoreErrc::kCorrupt,
                                      "undecodable checkpoint of projection " + std::string(name)));
  }
  return ProjectionCheckpoint{get_be64(value), std::string(value.substr(8))};
}

}  // namespace

std::optional<StoreError> check_projection_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxNameLength;
  for (char c : name) {
    ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  }
  if (ok) return std::nullopt;
  return make_error(StoreErrc::kInvalidArgument,
                    "projection name must be 1-64 characters of [a-z0-9_.-]");
}

namespace {

// Bulk writes (a rebuild saves hundreds of megabytes at once) skip the write-ahead log and the
// memtable: the keys go sorted into one SST file, ingested atomically. A replace first drops the
// projection (keys and checkpoint, one batch), so a crash in between leaves it absent, never
// apart from its checkpoint; it is then rebuilt from the log.
constexpr std::size_t kIngestBytes = 8 << 20;

std::size_t bytes_of(const ProjectionWrite& write) {
  std::size_t n = 0;
  for (const auto& [key, value] : write.puts) n += key.size() + value.size();
  return n;
}

std::expected<void, StoreError> ingest_projection(Db& db, const ProjectionWrite& write) {
  const std::string& name = write.projection;
  if (write.replace) {
    if (auto dropped = drop_projection(db, name); !dropped) return dropped;
  }
  // Keys sorted, the last put of a key winning (as in a batch).
  std::vector<const std::pair<std::string, std::string>*> puts;
  puts.reserve(write.puts.size());
  for (const auto& p : write.puts) puts.push_back(&p);
  std::ranges::stable_sort(puts, {}, [](const auto* p) -> const std::string& { return p->first; });
  static std::atomic<unsigned> counter{0};
  const auto folder = db.dir() / "ingest";
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  const auto file =
      folder / (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sst");
  auto fail = [&](const rocksdb::Status& s) {
    std::filesystem::remove(file, ec);
    return std::unexpected(io_error(s, "write projection " + name));
  };
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), lease.raw().GetOptions(db.projections()),
                                db.projections());
  auto s = writer.Open(file.string());
  for (std::size_t i = 0; s.ok() && i < puts.size(); ++i) {
    if (i + 1 < puts.size() && puts[i + 1]->first == puts[i]->first) continue;
    s = writer.Put(data_key(name, puts[i]->first), puts[i]->second);
  }
  if (s.ok()) s = writer.Put(checkpoint_key(name), be64(write.checkpoint) + write.info);
  if (s.ok()) s = writer.Finish();
  if (!s.ok()) return fail(s);
  rocksdb::IngestExternalFileOptions options;
  options.move_files = true;
  s = lease.raw().IngestExternalFile(db.projections(), {file.string()}, options);
  if (!s.ok()) return fail(s);
  std::filesystem::remove(file, ec);  // moved: only its old name is left, if anything
  return {};
}

}  // namespace

std::expected<void, StoreError> write_projection(Db& db, const ProjectionWrite& write) {
  if (auto e = check_projection_name(write.projection)) return std::unexpected(std::move(*e));
  if (write.deletes.empty() && bytes_of(write) >= kIngestBytes) return ingest_projection(db, write);
  const std::string& name = write.projection;
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  rocksdb::WriteBatch batch;
  auto* cf = db.projections();
  rocksdb::Status s;
  if (write.replace) s = batch.DeleteRange(cf, data_begin(name), checkpoint_key(name));
  for (const auto& [key, value] : write.puts) {
    if (s.ok()) s = batch.Put(cf, data_key(name, key), value);
  }
  for (const auto& key : write.deletes) {
    if (s.ok()) s = batch.Delete(cf, data_key(name, key));
  }
  if (s.ok()) s = batch.Put(cf, checkpoint_key(name), be64(write.checkpoint) + write.info);
  if (s.ok()) s = lease.raw().Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return std::unexpected(io_error(s, "write projection " + name));
  return {};
}

std::expected<std::optional<ProjectionCheckpoint>, StoreError> load_projection(
    Db& db, std::string_view projection, const ProjectionVisitor& fn) {
  if (auto e = check_projection_name(projection)) return std::unexpected(std::move(*e));
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  Snapshot snap(lease.raw());
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.snap;
  std::string value;
  auto s = lease.raw().Get(ro, db.projections(), checkpoint_key(projection), &value);
  auto checkpoint = decode_checkpoint(s, value, projection);
  if (!checkpoint || !*checkpoint || !fn) return checkpoint;
  std::string begin = data_begin(projection), end = checkpoint_key(projection);
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(lease.raw().NewIterator(ro, db.projections()));
  for (it->Seek(begin); it->Valid(); it->Next()) {
    fn(it->key().ToStringView().substr(begin.size()), it->value().ToStringView());
  }
  if (!it->status().ok()) {
    return std::unexpected(io_error(it->status(), "load projection " + std::string(projection)));
  }
  return checkpoint;
}

std::expected<std::optional<ProjectionCheckpoint>, StoreError> projection_checkpoint(
    Db& db, std::string_view projection) {
  if (auto e = check_projection_name(projection)) return std::unexpected(std::move(*e));
  std::string value;
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  auto s =
      lease.raw().Get(rocksdb::ReadOptions(), db.projections(), checkpoint_key(projection), &value);
  return decode_checkpoint(s, value, projection);
}

std::expected<void, StoreError> drop_projection(Db& db, std::string_view projection) {
  if (auto e = check_projection_name(projection)) return std::unexpected(std::move(*e));
  auto lease = db.lease();
  if (!lease) return std::unexpected(closed_for_recovery());
  rocksdb::WriteBatch batch;
  auto s = batch.DeleteRange(db.projections(), data_begin(projection), checkpoint_key(projection));
  if (s.ok()) s = batch.Delete(db.projections(), checkpoint_key(projection));
  if (s.ok()) s = lease.raw().Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return std::unexpected(io_error(s, "drop projection " + std::string(projection)));
  return {};
}

}  // namespace grappe::es::detail
