// grappe/eventstore/store.h — an append-only, tamper-evident log of opaque events grouped in
// streams, on an embedded RocksDB. It knows nothing of grappes: an event is a type name, a JSON
// text and metadata.
//
// Vocabulary: a stream's version is its number of events; an event's version is its 1-based
// index in its stream; an event's position is its 1-based place in the global log (`$all`).
//
// Every member function of Store may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grappe/eventstore/record.h"

namespace rocksdb {
class FileSystem;
}

namespace grappe::es {

// An event to append. The store assigns id (when empty), version, position, timestamp and hash.
struct NewEvent {
  std::string id;    // UUID; generated when empty
  std::string type;  // e.g. "InvitationAccepted"
  std::string data;  // a JSON text (stored as given; callers pass compact JSON)
  Actor actor;
};

// Expected version of a stream: nullopt = any, 0 = the stream must not exist, N = exactly N.
using ExpectedVersion = std::optional<std::uint64_t>;

struct AppendPart {
  std::string stream;
  ExpectedVersion expected_version;
  std::vector<NewEvent> events;
};

struct AppendRequest {
  // Idempotency key. A request whose command id was already recorded writes nothing and gets the
  // first result back (`duplicate = true`), also after a restart. Empty: no idempotency.
  std::string command_id;
  std::vector<AppendPart> parts;  // may be empty: then only the command's outcome is recorded
  // Opaque bytes kept with the command id and returned on every repeat (the server keeps its
  // answer here, including answers that appended nothing, such as a rejection).
  std::string outcome;
  // Timestamp given to every event of the request; the store's clock when unset.
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> timestamp;
};

struct StreamVersion {
  std::string stream;
  std::uint64_t version = 0;  // for AppendResult: the version after the append
};

struct AppendResult {
  std::uint64_t first_position = 0;  // 0 when nothing was appended
  std::uint64_t last_position = 0;
  std::vector<StreamVersion> streams;  // one per part, in request order
  std::string outcome;                 // AppendRequest::outcome of the first request with this id
  bool duplicate = false;              // true: this command id was seen before; nothing written
};

enum class StoreErrc {
  kVersionConflict,  // an expected version did not match; `actual` has every part's version
  kInvalidArgument,  // empty stream name, event without type, data not a JSON text, ...
  kIo,               // RocksDB failed (disk full, I/O error); see append() and health()
  kClosed,           // the store is closing or closed
  kLocked,           // open(): another process holds the data folder
  kCorrupt,          // open(): the folder is not a Grappe store or fails its consistency checks
};

struct StoreError {
  StoreErrc code;
  std::string message;                // for logs and operators
  std::vector<StreamVersion> actual;  // kVersionConflict: actual version of every part's stream
};

std::string_view to_string(StoreErrc code);

using AppendOutcome = std::expected<AppendResult, StoreError>;
using AppendCallback = std::function<void(AppendOutcome)>;

enum class Direction { kForward, kBackward };

// Why a subscription ended before cancel().
enum class DropReason {
  kFellBehind,  // its buffer filled up: re-subscribe from the last position/version delivered
  kClosed,      // the store is closing
  kIo,          // reading the log failed
};

struct SubscriptionHandler {
  // Called for each record in log order, exactly once, from one thread owned by the
  // subscription (never the writer thread). May block: only this subscription waits.
  std::function<void(const Record&)> on_event;
  // Called once when the subscription is caught up with the log and switches to live events
  // (may be empty).
  std::function<void()> on_live;
  // Called at most once, from the subscription's thread, when it ends for a reason other than
  // cancel(). No on_event follows.
  std::function<void(DropReason)> on_drop;
};

// Ends delivery. cancel() and the destructor wait until no callback of the subscription runs
// (so never call them from inside a callback of the same subscription; use cancel_async there).
class Subscription {
 public:
  virtual ~Subscription() = default;
  virtual void cancel() = 0;
  virtual void cancel_async() = 0;
};

// Progress of bringing the Merkle tree up to the log (Store::open of an older data folder):
// leaves added so far, and how many there are to add.
using TreeProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct StoreOptions {
  bool create_if_missing = true;
  std::size_t subscription_buffer = 65536;  // records buffered per subscription before drop
  std::size_t max_batch_events = 20000;     // group-commit cap per synced write batch
  // While writes are suspended (see Store::health()), how often the store tries to write again.
  std::chrono::milliseconds write_retry_interval = std::chrono::seconds(1);
  // The file system RocksDB works on; empty: the operating system's. Tests pass one that fails
  // writes on demand (RocksDB's FileSystemWrapper makes that short).
  std::shared_ptr<rocksdb::FileSystem> file_system;
  // Called while open() adds the Merkle tree's missing leaves (may be empty).
  TreeProgress tree_progress;
  // Benchmarks only (the cost of the tree): false appends without it. The tree then lags the
  // log, and its proofs fail, until the next open() brings it up to date.
  bool merkle_tree = true;
};

// Whether the store accepts appends. Writes are suspended when RocksDB cannot write (no space
// left, an I/O error): appends then fail at once with kIo, while reads and subscriptions go on.
// The store retries by itself (every StoreOptions::write_retry_interval, never more often) and
// resumes once the disk accepts writes again: it makes RocksDB writable (DB::Resume(), or closes
// and reopens the database when Resume() cannot help) and takes the log's tail from the disk.
// While it reopens, reads wait; if the disk refuses even that, the database is reopened read-only
// (reads go on), and reads fail with kIo only if that fails too.
struct StoreHealth {
  bool degraded = false;  // true while writes are suspended
  std::string reason;     // why, for operators ("disk full: …", "I/O error: …"); empty when ok
  // How long writes were suspended: so far while degraded; the whole outage in the notification
  // sent when they resume (zero when they never were).
  std::chrono::milliseconds outage{0};
};
using HealthWatcher = std::function<void(const StoreHealth&)>;

// Read models kept beside the log (column family `projections`). They are derived data: written
// without fsync (the log stays the truth and a read model lost in a crash is rebuilt from it). A
// projection's keys and its checkpoint always change together, in one atomic write batch.
struct ProjectionWrite {
  std::string projection;  // name: 1–64 characters of [a-z0-9_.-]; else kInvalidArgument
  bool replace = false;    // drop every key of the projection first, in the same batch
  std::vector<std::pair<std::string, std::string>> puts;  // key → value (any bytes)
  std::vector<std::string> deletes;
  std::uint64_t checkpoint = 0;  // last log position the data reflects
  std::string info;              // opaque (e.g. a code version), stored with the checkpoint
};

struct ProjectionCheckpoint {
  std::uint64_t position = 0;
  std::string info;
};

using ProjectionVisitor = std::function<void(std::string_view key, std::string_view value)>;

// A signed checkpoint as the store keeps it: the note is opaque to the store.
struct StoredCheckpoint {
  std::uint64_t size = 0;
  std::string root;  // raw 32 bytes: the tree's root at `size`
  std::string note;
};

struct VerifyResult {
  bool ok = true;
  std::uint64_t events = 0;      // records checked
  std::string head;              // hex hash of the last good record
  std::string root;              // hex Merkle root of the records checked
  std::uint64_t checkpoint = 0;  // size of the latest checkpoint found equal to the tree (0: none)
  std::optional<std::uint64_t> first_bad_position;
  std::string problem;  // what was wrong at first_bad_position
};

class Store {
 public:
  // Opens (or creates) the store in `dir`. Fails with kLocked, naming the folder, when another
  // process has it open; with kCorrupt when its records do not form a log; kIo otherwise.
  // Recovers after a crash: every acknowledged append is there and the chain is intact.
  static std::expected<std::unique_ptr<Store>, StoreError> open(const std::filesystem::path& dir,
                                                                StoreOptions options = {});

  virtual ~Store() = default;  // close(): finishes queued appends, ends subscriptions, closes DB

  // Writes every part of `request` or none. `done` runs exactly once, on the writer thread (keep
  // it short: post the result elsewhere), only after the write batch is synced to the WAL; once
  // the store is closing it runs at once on the calling thread with kClosed.
  // kIo: the batch could not be synced, or writes are suspended (health()). Nothing was
  // acknowledged; the request is not in the log, except that a batch whose sync failed may turn
  // out durable when the store recovers (or after a crash): a repeat of its command id then gets
  // its result, and subscribers receive its records like any others.
  // If any part's expected version differs from its stream's actual version, nothing is written
  // and the error (kVersionConflict) carries the actual versions. Concurrent requests are
  // group-committed: one synced batch serves many requests; requests are applied in the order
  // they were queued.
  virtual void append(AppendRequest request, AppendCallback done) = 0;

  // append() that waits for its result.
  virtual AppendOutcome append_sync(AppendRequest request) = 0;

  // The result recorded for `command_id`, if the command was seen (durably) before.
  virtual std::optional<AppendResult> find_command(std::string_view command_id) = 0;

  // Up to `max` records of `stream`. Forward: versions > `from_version`, ascending.
  // Backward: versions < `from_version` (UINT64_MAX: from the end), descending.
  virtual std::expected<std::vector<Record>, StoreError> read_stream(std::string_view stream,
                                                                     std::uint64_t from_version,
                                                                     std::size_t max,
                                                                     Direction direction) = 0;

  // Up to `max` records of the whole log with position > `from_position`, ascending.
  virtual std::expected<std::vector<Record>, StoreError> read_all(std::uint64_t from_position,
                                                                  std::size_t max) = 0;

  // Like read_all, for a reader that wants only some types (a notifier): looks at up to
  // `max_scanned` records after `from_position` and returns those whose type is one of `types`
  // (the others are not decoded). `*scanned_to` becomes the position of the last record looked
  // at (`from_position` when none), where the next call resumes.
  virtual std::expected<std::vector<Record>, StoreError> read_all_of_types(
      std::uint64_t from_position, std::size_t max_scanned, std::span<const std::string> types,
      std::uint64_t* scanned_to);

  // Current version of `stream` (0 when it does not exist), as of the last durable append.
  virtual std::uint64_t stream_version(std::string_view stream) = 0;

  // Position of the last durable record (0 for an empty log) and its hash (hex; empty if none).
  virtual std::uint64_t last_position() = 0;
  virtual std::string head_hash() = 0;

  // Whether appends are accepted now (see StoreHealth). Cheap: no I/O.
  virtual StoreHealth health() = 0;
  // Calls `watcher` each time writes are suspended or resume, with the health from then on, on
  // the thread that met the fault or recovered (the writer's, or import()'s): keep it short and
  // call no append from it. Replaces the previous watcher (empty: none); once this returns, the
  // previous one is not running and will not be called again. Not callable from a watcher.
  virtual void watch_health(HealthWatcher watcher) = 0;

  // Delivers every record with position > `from_position`: first those on disk, then live ones,
  // in order, without gap or duplicate, while appends go on. Appends never wait for it: past
  // `subscription_buffer` undelivered records it is dropped with kFellBehind.
  virtual std::unique_ptr<Subscription> subscribe_all(std::uint64_t from_position,
                                                      SubscriptionHandler handler) = 0;
  // Same for one stream, from version > `from_version`.
  virtual std::unique_ptr<Subscription> subscribe_stream(std::string stream,
                                                         std::uint64_t from_version,
                                                         SubscriptionHandler handler) = 0;

  // Recomputes the hash chain of the whole log. `progress` (may be empty) is called now and then
  // with the number of records checked so far.
  virtual VerifyResult verify(std::function<void(std::uint64_t)> progress = {}) = 0;

  // Writes a consistent, openable copy of the store into `dir` (absolute or relative; it must
  // not exist yet) while appends go on: hard links for immutable files, a copy of the rest. The
  // copy holds every append acknowledged before the call. Fails with kIo. Online backups use it.
  virtual std::expected<void, StoreError> checkpoint(const std::filesystem::path& dir);

  // --- Read models (see ProjectionWrite). A bad projection name fails with kInvalidArgument,
  // RocksDB failures with kIo. Calls on different projections are independent; writes to one
  // projection should come from one thread at a time (the last batch written wins).

  // One atomic batch: when `replace`, every key of the projection is deleted first; then the
  // puts, the deletes and the checkpoint with its info. Not synced (see above).
  virtual std::expected<void, StoreError> write_projection(const ProjectionWrite& write) = 0;
  // Calls `fn` for every key of the projection in key order, from one consistent snapshot, and
  // returns the checkpoint of that same snapshot (nullopt: the projection was never written, or
  // was dropped). The views passed to `fn` are valid only during the call.
  virtual std::expected<std::optional<ProjectionCheckpoint>, StoreError> load_projection(
      std::string_view projection, const ProjectionVisitor& fn) = 0;
  virtual std::expected<std::optional<ProjectionCheckpoint>, StoreError> projection_checkpoint(
      std::string_view projection) = 0;
  // Removes the projection's keys and its checkpoint, in one batch.
  virtual std::expected<void, StoreError> drop_projection(std::string_view projection) = 0;

  // --- Import (for `admin import`).
  // Appends records exactly as they were exported from another store (position, stream,
  // version, id, type, data, actor, command id, timestamp and hash are kept) at the end of the
  // log, in one synced batch. Each record must continue the log: position = last position + 1,
  // version = its stream's version + 1, a non-empty id and type, data a JSON text, and `hash`
  // (hex) equal to the chain hash recomputed from the previous record. Otherwise kCorrupt with a
  // message naming the position and what was wrong, and nothing of this call is written.
  // Registers each record's command id (when not empty) so that a repeated command after the
  // import is recognised as a duplicate (its result has an empty outcome); consecutive records
  // of one command form one result, also across calls. Subscribers receive the imported records
  // as they receive appended ones. Meant for a store nobody appends to: it is serialised with
  // the group commit, so a concurrent append() is not corrupted, but the records of such an
  // append would break the continuity the caller expects.
  virtual std::expected<void, StoreError> import(std::span<const Record> records) = 0;

  // --- Verifiable history. The log is also an RFC 9162 Merkle tree, kept in the same synced
  // batches as the records: leaf i (0-based) is the record at position i + 1, its hash
  // SHA-256(0x00 ‖ record_bytes). Hashes are raw 32-byte strings. A size larger than
  // last_position() or a position outside the log fails with kInvalidArgument.

  // The canonical bytes of the record at `position`: those the hash chain and the leaf hash.
  virtual std::expected<std::string, StoreError> record_bytes(std::uint64_t position) = 0;
  // The root of the tree of the first `size` leaves (size 0: SHA-256 of nothing).
  virtual std::expected<std::string, StoreError> tree_root(std::uint64_t size) = 0;
  // RFC 9162 §2.1.3.1: leaf `index` (< size) in the tree of `size` leaves.
  virtual std::expected<std::vector<std::string>, StoreError> inclusion_proof(
      std::uint64_t index, std::uint64_t size) = 0;
  // RFC 9162 §2.1.4.1: from the tree of `from` leaves to that of `to` (0 < from <= to).
  virtual std::expected<std::vector<std::string>, StoreError> consistency_proof(
      std::uint64_t from, std::uint64_t to) = 0;
  // C2SP tlog-tiles hash tile (level, index) of `width` hashes (1–256), concatenated.
  virtual std::expected<std::string, StoreError> tile(unsigned level, std::uint64_t index,
                                                      unsigned width) = 0;
  // Signed checkpoints, kept by size (synced). Putting one of an existing size replaces it (a
  // witness's cosignature added). The root must be the tree's at that size (kInvalidArgument).
  virtual std::expected<void, StoreError> put_checkpoint(const StoredCheckpoint& checkpoint) = 0;
  // The checkpoint of `size`, or the latest when nullopt; nullopt when there is none.
  virtual std::expected<std::optional<StoredCheckpoint>, StoreError> get_checkpoint(
      std::optional<std::uint64_t> size) = 0;
};

}  // namespace grappe::es
