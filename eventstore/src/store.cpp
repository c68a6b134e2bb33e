// Store: RocksDB behind one group-committing writer and live subscriptions.
#include "grappe/eventstore/store.h"

#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <future>

#include "codec.h"
#include "db.h"
#include "fanout.h"
#include "projection_data.h"
#include "tree.h"
#include "util.h"
#include "verify.h"
#include "writer.h"

namespace grappe::es {
namespace {

using detail::make_error;

class RocksStore final : public Store {
 public:
  RocksStore(std::unique_ptr<detail::Db> db, StoreOptions options, std::uint64_t tail_position,
             std::string tail_hash, std::expected<detail::TreeEdge, StoreError> tree)
      : options_(options),
        db_(std::move(db)),
        fanout_(std::make_shared<detail::Fanout>()),
        writer_(*db_, *fanout_, options.max_batch_events, options.write_retry_interval,
                tail_position, std::move(tail_hash), std::move(tree), options.merkle_tree) {}

  ~RocksStore() override {
    writer_.stop();             // finishes queued appends
    fanout_->close_and_wait();  // drops subscriptions with kClosed; none reads the DB afterwards
  }

  void append(AppendRequest request, AppendCallback done) override {
    if (!done) done = [](AppendOutcome) {};
    detail::Pending p{std::move(request), std::move(done), std::nullopt};
    p.error = detail::check_request(p.request);
    writer_.submit(std::move(p));
  }

  AppendOutcome append_sync(AppendRequest request) override {
    std::promise<AppendOutcome> promise;
    auto future = promise.get_future();
    append(std::move(request), [&promise](AppendOutcome o) { promise.set_value(std::move(o)); });
    return future.get();
  }

  std::optional<AppendResult> find_command(std::string_view command_id) override {
    auto r = db_->command(command_id);
    if (!r) return std::nullopt;
    return std::move(*r);
  }

  std::expected<std::vector<Record>, StoreError> read_stream(std::string_view stream,
                                                             std::uint64_t from_version,
                                                             std::size_t max,
                                                             Direction direction) override {
    return db_->read_stream(stream, from_version, max, direction);
  }

  std::expected<std::vector<Record>, StoreError> read_all(std::uint64_t from_position,
                                                          std::size_t max) override {
    return db_->read_all(from_position, max);
  }

  std::expected<std::vector<Record>, StoreError> read_all_of_types(
      std::uint64_t from_position, std::size_t max_scanned, std::span<const std::string> types,
      std::uint64_t* scanned_to) override {
    return db_->read_all_of_types(from_position, max_scanned, types, scanned_to);
  }

  std::uint64_t stream_version(std::string_view stream) override {
    return db_->head(stream).value_or(0);
  }

  std::uint64_t last_position() override { return writer_.last_position(); }

  std::string head_hash() override {
    return writer_.last_position() == 0 ? std::string() : detail::to_hex(writer_.head_hash());
  }

  StoreHealth health() override { return writer_.health(); }

  void watch_health(HealthWatcher watcher) override { writer_.watch_health(std::move(watcher)); }

  std::unique_ptr<Subscription> subscribe_all(std::uint64_t from_position,
                                              SubscriptionHandler handler) override {
    return subscribe(std::nullopt, from_position, std::move(handler));
  }

  std::unique_ptr<Subscription> subscribe_stream(std::string stream, std::uint64_t from_version,
                                                 SubscriptionHandler handler) override {
    return subscribe(std::move(stream), from_version, std::move(handler));
  }

  VerifyResult verify(std::function<void(std::uint64_t)> progress) override {
    return detail::verify_log(*db_, progress);
  }

  std::expected<void, StoreError> checkpoint(const std::filesystem::path& dir) override {
    auto lease = db_->lease();
    if (!lease) return std::unexpected(detail::closed_for_recovery());
    rocksdb::Checkpoint* raw = nullptr;
    auto s = rocksdb::Checkpoint::Create(&lease.raw(), &raw);
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    if (s.ok()) s = cp->CreateCheckpoint(std::filesystem::absolute(dir).string());
    if (!s.ok()) return std::unexpected(detail::io_error(s, "checkpoint to " + dir.string()));
    return {};
  }

  std::expected<void, StoreError> write_projection(const ProjectionWrite& write) override {
    return detail::write_projection(*db_, write);
  }

  std::expected<std::optional<ProjectionCheckpoint>, StoreError> load_projection(
      std::string_view projection, const ProjectionVisitor& fn) override {
    return detail::load_projection(*db_, projection, fn);
  }

  std::expected<std::optional<ProjectionCheckpoint>, StoreError> projection_checkpoint(
      std::string_view projection) override {
    return detail::projection_checkpoint(*db_, projection);
  }

  std::expected<void, StoreError> drop_projection(std::string_view projection) override {
    return detail::drop_projection(*db_, projection);
  }

  std::expected<void, StoreError> import(std::span<const Record> records) override {
    return writer_.import(records);
  }

  std::expected<std::string, StoreError> record_bytes(std::uint64_t position) override {
    if (position == 0 || position > last_position()) return std::unexpected(outside(position));
    return detail::record_bytes(*db_, position);
  }

  std::expected<std::string, StoreError> tree_root(std::uint64_t size) override {
    if (size > last_position()) return std::unexpected(beyond(size));
    if (size == 0) return detail::TreeEdge().root();
    return detail::range_hash(0, size, detail::hash_reader(*db_));
  }

  std::expected<std::vector<std::string>, StoreError> inclusion_proof(std::uint64_t index,
                                                                      std::uint64_t size) override {
    if (size > last_position()) return std::unexpected(beyond(size));
    if (index >= size) {
      return std::unexpected(make_error(
          StoreErrc::kInvalidArgument,
          "leaf " + std::to_string(index) + " is not in a tree of " + std::to_string(size)));
    }
    return detail::inclusion_proof(index, size, detail::hash_reader(*db_));
  }

  std::expected<std::vector<std::string>, StoreError> consistency_proof(std::uint64_t from,
                                                                        std::uint64_t to) override {
    if (to > last_position()) return std::unexpected(beyond(to));
    if (from == 0 || from > to) {
      return std::unexpected(
          make_error(StoreErrc::kInvalidArgument, "a consistency proof needs 0 < from <= to"));
    }
    return detail::consistency_proof(from, to, detail::hash_reader(*db_));
  }

  std::expected<std::string, StoreError> tile(unsigned level, std::uint64_t index,
                                              unsigned width) override {
    // Only what the log holds: after a loss, nodes of records no longer there are not served.
    const std::uint64_t nodes = level > 6 ? 0 : last_position() >> (8 * level);  // at its height
    if (width == 0 || width > 256 || index > nodes / 256 || index * 256 + width > nodes) {
      return std::unexpected(make_error(StoreErrc::kInvalidArgument, "tile not available"));
    }
    return detail::read_tile(*db_, level, index, width);
  }

  std::expected<void, StoreError> put_checkpoint(const StoredCheckpoint& checkpoint) override {
    auto root = tree_root(checkpoint.size);
    if (!root) return std::unexpected(root.error());
    if (*root != checkpoint.root) {
      return std::unexpected(make_error(
          StoreErrc::kInvalidArgument,
          "checkpoint root differs from the tree's at size " + std::to_string(checkpoint.size)));
    }
    return detail::put_checkpoint(*db_, checkpoint);
  }

  std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
      std::optional<std::uint64_t> size) override {
    return detail::get_checkpoint(*db_, size);
  }

 private:
  std::unique_ptr<Subscription> subscribe(std::optional<std::string> stream, std::uint64_t from,
                                          SubscriptionHandler handler) {
    auto core = std::make_shared<detail::SubscriptionCore>(
        std::move(stream), from, std::move(handler), options_.subscription_buffer);
    return detail::start_subscription(fanout_, *db_, std::move(core));
  }

  static StoreError beyond(std::uint64_t size) {
    return make_error(StoreErrc::kInvalidArgument,
                      "the log has fewer than " + std::to_string(size) + " records");
  }
  static StoreError outside(std::uint64_t position) {
    return make_error(StoreErrc::kInvalidArgument,
                      "no record at position " + std::to_string(position));
  }

  StoreOptions options_;
  std::unique_ptr<detail::Db> db_;
  std::shared_ptr<detail::Fanout> fanout_;
  detail::Writer writer_;
};

}  // namespace

std::expected<void, StoreError> Store::checkpoint(const std::filesystem::path&) {
  return std::unexpected(make_error(StoreErrc::kIo, "checkpoint not supported by this store"));
}

std::expected<std::unique_ptr<Store>, StoreError> Store::open(const std::filesystem::path& dir,
                                                              StoreOptions options) {
  auto db = detail::Db::open(dir, {options.create_if_missing, options.file_system});
  if (!db) return std::unexpected(db.error());
  auto tail = (*db)->tail();
  if (!tail) return std::unexpected(tail.error());
  // A tree that cannot be read (records missing) leaves the store open for reads and verify(),
  // with writes refused; an I/O error fails the open.
  auto tree = detail::upgrade_tree(**db, tail->first, options.tree_progress);
  if (!tree && tree.error().code != StoreErrc::kCorrupt) return std::unexpected(tree.error());
  return std::make_unique<RocksStore>(std::move(*db), options, tail->first, std::move(tail->second),
                                      std::move(tree));
}

// The portable way, for a store without a cheaper one: every record decoded, then filtered.
std::expected<std::vector<Record>, StoreError> Store::read_all_of_types(
    std::uint64_t from_position, std::size_t max_scanned, std::span<const std::string> types,
    std::uint64_t* scanned_to) {
  *scanned_to = from_position;
  auto records = read_all(from_position, max_scanned);
  if (!records) return records;
  if (!records->empty()) *scanned_to = records->back().position;
  std::erase_if(*records, [&](const Record& r) {
    return std::find(types.begin(), types.end(), r.type) == types.end();
  });
  return records;
}

}  // namespace grappe::es
