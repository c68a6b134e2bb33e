// Writer: writes suspended after a fault, retried on a schedule, resumed from the disk's tail.
#include "codec.h"
#include "db.h"
#include "fanout.h"
#include "tree.h"
#include "util.h"
#include "writer.h"

namespace grappe::es::detail {

namespace {

std::chrono::milliseconds to_ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

// Empty when `records` continue the chain from `hash` (raw), else what is wrong.
std::string check_chain(const std::vector<Record>& records, std::uint64_t position,
                        std::string hash) {
  std::string canonical;
  unsigned char next[kHashSize];
  for (const auto& r : records) {
    if (r.position != ++position) return "position " + std::to_string(position) + " is missing";
    canonical.clear();
    encode_canonical(r, canonical);
    chain_hash(hash, canonical, next);
    hash.assign(reinterpret_cast<const char*>(next), kHashSize);
    if (to_hex(hash) != r.hash) return "hash mismatch at position " + std::to_string(position);
  }
  return {};
}

}  // namespace

void Writer::wake() {
  std::lock_guard lock(queue_mu_);
  woken_ = true;
  queue_cv_.notify_one();
}

std::optional<std::string> Writer::suspension() const {
  std::lock_guard lock(health_mu_);
  return suspended_;
}

StoreHealth Writer::health() const {
  StoreHealth h;
  {
    std::lock_guard lock(health_mu_);
    if (suspended_) {
      return StoreHealth{true, *suspended_, to_ms(Clock::now() - suspended_at_)};
    }
  }
  // RocksDB stopped (a read-model write met the fault) and the writer is about to notice.
  if (auto why = db_.stopped()) h = StoreHealth{true, std::move(*why), {}};
  return h;
}

void Writer::watch_health(HealthWatcher watcher) {
  std::lock_guard lock(watcher_mu_);
  watcher_ = std::move(watcher);
}

void Writer::notify(const StoreHealth& health) {
  std::lock_guard lock(watcher_mu_);
  if (watcher_) watcher_(health);
}

void Writer::suspend(const std::string& reason) {
  StoreHealth h;
  {
    std::lock_guard lock(health_mu_);
    if (suspended_) return;
    suspended_ = reason;
    suspended_at_ = Clock::now();
    next_try_ = suspended_at_ + retry_interval_;
    h = StoreHealth{true, reason, {}};
  }
  notify(h);
  wake();  // the writer thread now waits with a deadline: the next retry
}

std::optional<Writer::Clock::time_point> Writer::retry_due() const {
  std::lock_guard lock(health_mu_);
  if (!suspended_ || broken_) return std::nullopt;
  return next_try_;
}

void Writer::retry_if_due() {
  std::lock_guard commit_lock(commit_mu_);
  if (auto why = db_.stopped(); why && !suspension()) suspend(*why);
  {
    std::lock_guard lock(health_mu_);
    if (!suspended_ || broken_ || Clock::now() < next_try_) return;
  }
  auto s = db_.recover();
  const std::string problem = s.ok() ? adopt_tail() : std::string();
  StoreHealth h;
  {
    std::lock_guard lock(health_mu_);
    next_try_ = Clock::now() + retry_interval_;
    if (!s.ok()) return;  // the disk still refuses: tried again later, for the same reason
    const auto outage = to_ms(Clock::now() - suspended_at_);
    if (problem.empty()) {
      suspended_.reset();
      h = StoreHealth{false, {}, outage};
    } else {
      const auto reason = "cannot resume writes: " + problem;
      if (suspended_ == reason) return;
      suspended_ = reason;
      h = StoreHealth{true, reason, outage};
    }
  }
  notify(h);
}

std::string Writer::adopt_tail() {
  auto tail = db_.tail();
  if (!tail) return tail.error().message;
  std::uint64_t position;
  std::string hash;
  {
    std::lock_guard lock(state_mu_);
    position = position_;
    hash = hash_;
  }
  heads_.clear();  // read again from the disk as streams are appended to
  const auto& [disk_position, disk_hash] = *tail;
  if (disk_position < position || (disk_position == position && disk_hash != hash)) {
    std::lock_guard lock(health_mu_);
    broken_ = true;
    return "the log on disk ends at position " + std::to_string(disk_position) +
           ", which differs from the acknowledged log (position " + std::to_string(position) +
           "); restart the server and run `admin verify`";
  }
  if (disk_position == position) return {};
  // A batch whose sync failed is durable after all: its records go out like appended ones.
  auto landed = db_.read_all(position, disk_position - position);
  if (!landed) return landed.error().message;
  if (auto wrong = check_chain(*landed, position, hash); !wrong.empty()) {
    return "records found after recovery do not continue the log: " + wrong;
  }
  // Their tree nodes were in the same batch.
  if (tree_enabled_) {
    auto tree = TreeEdge::load(disk_position, hash_reader(db_));
    if (!tree) return tree.error().message;
    tree_ = std::move(*tree);
  }
  {
    std::lock_guard lock(state_mu_);
    position_ = disk_position;
    hash_ = disk_hash;
  }
  fanout_.publish(std::make_shared<const std::vector<Record>>(std::move(*landed)));
  return {};
}

}  // namespace grappe::es::detail
