#include "tree_stager.h"

#include <pthread.h>

namespace grappe::es::detail {
namespace {

// Below this many leaves a batch is hashed by finish() alone: waking the helper costs more.
constexpr std::size_t kMinParallelLeaves = 4;
// Rounds the helper spins, yielding, for the next add() before it sleeps until one comes.
constexpr int kSpins = 200;

}  // namespace

TreeStager::TreeStager(unsigned min_height) : min_height_(min_height), thread_([this] { run(); }) {}

TreeStager::~TreeStager() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void TreeStager::begin(const TreeEdge& edge, std::size_t leaves) {
  parallel_ = leaves >= kMinParallelLeaves;
  {
    std::lock_guard lock(mu_);
    ++epoch_;
    edge_ = edge;
    done_ = 0;
    puts_.clear();
    avail_.store(0);
    if (canon_.size() < leaves) canon_.resize(leaves);
    active_ = parallel_;
  }
  if (parallel_) cv_.notify_one();
}

void TreeStager::add(std::string_view canonical) {
  const std::size_t n = avail_.load(std::memory_order_relaxed);
  if (n >= canon_.size()) {
    std::lock_guard lock(mu_);  // the helper reads slots only under the lock
    canon_.resize(std::max<std::size_t>(16, 2 * n));
  }
  canon_[n].assign(canonical);
  avail_.store(n + 1);
  if (parallel_ && sleeping_.load()) {
    std::lock_guard lock(mu_);
    cv_.notify_one();
  }
}

TreeEdge TreeStager::finish(const Put& put) {
  take_over_.store(true);
  std::lock_guard lock(mu_);
  take_over_.store(false);
  active_ = false;
  const std::size_t n = avail_.load();
  while (done_ < n) append_locked(done_++);
  for (const auto& node : puts_) put(node.height, node.index, node.hash);
  puts_.clear();
  return std::move(edge_);
}

void TreeStager::append_locked(std::size_t i) {
  edge_.append(leaf_hash(canon_[i]), [&](unsigned h, std::uint64_t index, const std::string& s) {
    if (h >= min_height_) puts_.push_back({h, index, s});
  });
}

void TreeStager::run() {
  pthread_setname_np(pthread_self(), "grappe-tree");
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || active_; });
    if (stopping_) return;
    const std::uint64_t epoch = epoch_;
    int idle = 0;
    while (!stopping_ && active_ && epoch_ == epoch) {
      if (done_ < avail_.load() && !take_over_.load()) {
        append_locked(done_++);
        idle = 0;
        continue;
      }
      if (take_over_.load() || ++idle < kSpins) {
        // Lets finish() in, or waits a little for the writer's next record.
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
        continue;
      }
      sleeping_.store(true);
      cv_.wait(lock,
               [&] { return stopping_ || !active_ || epoch_ != epoch || done_ < avail_.load(); });
      sleeping_.store(false);
      idle = 0;
    }
  }
}

}  // namespace grappe::es::detail
