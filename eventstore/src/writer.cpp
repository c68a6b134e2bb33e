#include "writer.h"

#include <pthread.h>

#include "codec.h"
#include "db.h"
#include "fanout.h"
#include "util.h"

namespace grappe::es::detail {
namespace {

using Ms = std::chrono::milliseconds;

std::size_t event_count(const AppendRequest& r) {
  std::size_t n = 0;
  for (const auto& p : r.parts) n += p.events.size();
  return n;
}

// Bytes the batch's WriteBatch will about hold, to allocate it once.
std::size_t batch_bytes(const std::vector<Pending>& batch) {
  std::size_t n = 256;
  for (const auto& p : batch) {
    n += 64 + p.request.command_id.size() + p.request.outcome.size();
    for (const auto& part : p.request.parts) {
      for (const auto& e : part.events) {
        n += 128 + 2 * part.stream.size() + e.data.size() + e.type.size() + e.actor.id.size() +
             e.actor.name.size() + p.request.command_id.size();
      }
    }
  }
  return n;
}

StoreError conflict(std::vector<StreamVersion> actual) {
  std::string msg = "expected version mismatch:";
  for (const auto& s : actual) msg += " " + s.stream + "@" + std::to_string(s.version);
  return StoreError{StoreErrc::kVersionConflict, std::move(msg), std::move(actual)};
}

}  // namespace

Writer::Writer(Db& db, Fanout& fanout, std::size_t max_batch_events,
               std::chrono::milliseconds retry_interval, std::uint64_t tail_position,
               std::string tail_hash, std::expected<TreeEdge, StoreError> tree, bool tree_enabled)
    : db_(db),
      fanout_(fanout),
      max_batch_events_(std::max<std::size_t>(max_batch_events, 1)),
      tree_(tree ? std::move(*tree) : TreeEdge()),
      tree_enabled_(tree_enabled),
      stager_(tree_enabled ? std::make_unique<TreeStager>(kMinStoredHeight) : nullptr),
      position_(tail_position),
      hash_(std::move(tail_hash)),
      retry_interval_(std::max<Clock::duration>(retry_interval, std::chrono::milliseconds(1))),
      thread_([this] { run(); }) {
  if (!tree) {
    std::lock_guard lock(health_mu_);
    suspended_ = "the log is damaged (" + tree.error().message + "); run `admin verify`";
    broken_ = true;
  }
  db_.on_stop([this] { wake(); });
}

Writer::~Writer() {
  stop();
}

void Writer::submit(Pending p) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(std::move(p));
      queue_cv_.notify_one();
      return;
    }
  }
  p.done(std::unexpected(make_error(StoreErrc::kClosed, "event store is closed")));
}

void Writer::stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
    queue_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  db_.on_stop({});
}

std::uint64_t Writer::last_position() const {
  std::lock_guard lock(state_mu_);
  return position_;
}

std::string Writer::head_hash() const {
  std::lock_guard lock(state_mu_);
  return hash_;
}

void Writer::run() {
  pthread_setname_np(pthread_self(), "grappe-writer");
  for (;;) {
    auto batch = take();
    if (!batch) return;
    retry_if_due();  // first: a batch that arrives once the disk has room again is written
    if (!batch->empty()) commit(*batch);
  }
}

std::optional<std::vector<Pending>> Writer::take() {
  const auto due = retry_due();
  std::unique_lock lock(queue_mu_);
  auto ready = [&] { return stopping_ || woken_ || !queue_.empty(); };
  if (due) {
    queue_cv_.wait_until(lock, *due, ready);
  } else {
    queue_cv_.wait(lock, ready);
  }
  woken_ = false;
  if (stopping_ && queue_.empty()) return std::nullopt;
  std::vector<Pending> batch;
  std::size_t events = 0;
  while (!queue_.empty() && (batch.empty() || events < max_batch_events_)) {
    events += event_count(queue_.front().request);
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void Writer::commit(std::vector<Pending>& batch) {
  std::lock_guard commit_lock(commit_mu_);
  Staging st(batch_bytes(batch));
  std::size_t events = 0;
  for (const auto& p : batch) events += event_count(p.request);
  begin(st, events);
  std::vector<AppendOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (auto& p : batch) outcomes.push_back(stage(p, st));
  end_tree(st);
  bool written = false;
  if (st.dirty) {
    // Suspended: not even tried. A repeated command id, which needs no write, is still answered.
    auto suspended = suspension();
    rocksdb::Status s = suspended ? rocksdb::Status::OK() : write(st);
    if (suspended || !s.ok()) {
      if (!suspended) suspend(fault_reason(s));
      auto error = suspended ? make_error(StoreErrc::kIo, "writes suspended: " + *suspended)
                             : io_error(s, "append not written");
      for (auto& o : outcomes) o = std::unexpected(error);
    } else {
      apply(st);
      written = true;
    }
  }
  // Published before the callbacks: once an append returns, its records are in every
  // subscription's buffer or on disk for the ones that start later. The other way round, a
  // subscription started right after the append could receive them late, live, as a batch
  // larger than its buffer (and be dropped as fallen behind).
  if (written && !st.records.empty()) {
    fanout_.publish(std::make_shared<const std::vector<Record>>(std::move(st.records)));
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(outcomes[i]));
}

AppendOutcome Writer::stage(Pending& p, Staging& st) {
  if (p.error) return std::unexpected(std::move(*p.error));
  AppendRequest& req = p.request;
  if (!req.command_id.empty()) {
    if (auto it = st.commands.find(req.command_id); it != st.commands.end()) {
      AppendResult r = it->second;
      r.duplicate = true;
      return r;
    }
    auto found = db_.command(req.command_id);
    if (!found) return std::unexpected(found.error());
    if (*found) return std::move(**found);
  }
  std::vector<StreamVersion> actual;
  bool mismatch = false;
  for (const auto& part : req.parts) {
    auto v = head_of(part.stream, st);
    if (!v) return std::unexpected(v.error());
    mismatch |= part.expected_version && *part.expected_version != *v;
    actual.push_back({part.stream, *v});
  }
  if (mismatch) return std::unexpected(conflict(std::move(actual)));
  auto now = std::chrono::time_point_cast<Ms>(std::chrono::system_clock::now());
  auto ts = req.timestamp.value_or(now);
  AppendResult result;
  for (std::size_t i = 0; i < req.parts.size(); ++i) {
    stage_events(req.parts[i], actual[i].version, req, ts, st, result);
  }
  result.outcome = std::move(req.outcome);
  if (!req.command_id.empty()) {
    st.batch.Put(db_.commands(), req.command_id, encode_result(result));
    st.commands.emplace(req.command_id, result);
    st.dirty = true;
  }
  return result;
}

void Writer::stage_events(AppendPart& part, std::uint64_t version, const AppendRequest& req,
                          std::chrono::sys_time<Ms> ts, Staging& st, AppendResult& result) {
  std::string value;
  unsigned char hash[kHashSize];
  for (auto& e : part.events) {
    Record r;
    r.position = ++st.position;
    r.stream = part.stream;
    r.version = ++version;
    r.id = e.id.empty() ? new_uuid() : std::move(e.id);
    r.type = std::move(e.type);
    r.data = std::move(e.data);
    r.actor = std::move(e.actor);
    r.command_id = req.command_id;
    r.timestamp = ts;
    value.clear();
    encode_canonical(r, value);
    stage_leaf(value, st);
    chain_hash(st.hash, value, hash);
    st.hash.assign(reinterpret_cast<const char*>(hash), kHashSize);
    value.append(st.hash);
    r.hash = to_hex(st.hash);
    st.batch.Put(db_.log(), be64(r.position), value);
    st.batch.Put(db_.streams(), stream_key(r.stream, r.version), be64(r.position));
    if (result.first_position == 0) result.first_position = r.position;
    result.last_position = r.position;
    st.records.push_back(std::move(r));
    st.dirty = true;
  }
  if (!part.events.empty()) st.heads[part.stream] = version;
  result.streams.push_back({part.stream, version});
}

std::expected<std::uint64_t, StoreError> Writer::head_of(const std::string& stream,
                                                         const Staging& st) {
  if (auto it = st.heads.find(stream); it != st.heads.end()) return it->second;
  if (auto it = heads_.find(stream); it != heads_.end()) return it->second;
  auto v = db_.head(stream);
  if (v) heads_.emplace(stream, *v);
  return v;
}

void Writer::begin(Staging& st, std::size_t records) {
  if (stager_) stager_->begin(tree_, records);
  std::lock_guard lock(state_mu_);
  st.position = position_;
  st.hash = hash_;
}

void Writer::stage_leaf(std::string_view canonical, Staging&) {
  if (stager_) stager_->add(canonical);
}

void Writer::end_tree(Staging& st) {
  if (!stager_) return;
  st.tree = stager_->finish([&](unsigned h, std::uint64_t i, const std::string& hash) {
    st.batch.Put(db_.tree(), tree_key(h, i), hash);
  });
}

rocksdb::Status Writer::write(Staging& st) {
  st.batch.Put(db_.meta(), "head", be64(st.position) + st.hash);
  if (tree_enabled_) st.batch.Put(db_.meta(), "tree", be64(st.tree.size()));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return db_.write(wo, &st.batch);
}

void Writer::apply(Staging& st) {
  for (const auto& [stream, version] : st.heads) heads_[stream] = version;
  if (stager_) tree_ = std::move(st.tree);
  std::lock_guard lock(state_mu_);
  position_ = st.position;
  hash_ = st.hash;
}

}  // namespace grappe::es::detail
