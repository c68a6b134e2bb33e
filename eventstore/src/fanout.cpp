#include "fanout.h"

#include <pthread.h>

#include <algorithm>
#include <thread>

#include "db.h"

namespace grappe::es::detail {
namespace {

constexpr std::size_t kCatchUpPage = 2048;

class SubscriptionHandle final : public Subscription {
 public:
  SubscriptionHandle(std::shared_ptr<SubscriptionCore> core, std::thread thread)
      : core_(std::move(core)), thread_(std::move(thread)) {}
  ~SubscriptionHandle() override { cancel(); }

  void cancel() override {
    core_->cancel();
    std::lock_guard lock(join_mu_);
    if (!thread_.joinable()) return;
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // destroyed from its own callback: the thread ends by itself
    } else {
      thread_.join();
    }
  }
  void cancel_async() override { core_->cancel(); }

 private:
  std::shared_ptr<SubscriptionCore> core_;
  std::mutex join_mu_;
  std::thread thread_;
};

}  // namespace

SubscriptionCore::SubscriptionCore(std::optional<std::string> stream, std::uint64_t from,
                                   SubscriptionHandler handler, std::size_t capacity)
    : stream_(std::move(stream)),
      last_(from),
      handler_(std::move(handler)),
      capacity_(std::max<std::size_t>(capacity, 1)) {}

std::size_t SubscriptionCore::matching(const std::vector<Record>& batch) const {
  if (!stream_) return batch.size();
  return std::count_if(batch.begin(), batch.end(),
                       [&](const Record& r) { return r.stream == *stream_; });
}

void SubscriptionCore::publish(const RecordBatch& batch) {
  std::size_t n = matching(*batch);
  if (n == 0) return;
  std::lock_guard lock(mu_);
  if (state_ != State::kRunning || overflowed_) return;
  if (queued_ + n > capacity_) {
    buffer_.clear();
    if (live_) {
      end(State::kDropped, DropReason::kFellBehind);
    } else {
      overflowed_ = true;  // catch-up will read these from disk
      queued_ = 0;
    }
    return;
  }
  buffer_.push_back({batch, n});
  queued_ += n;
  if (live_) cv_.notify_one();
}

void SubscriptionCore::stop(DropReason reason) {
  std::lock_guard lock(mu_);
  end(State::kDropped, reason);
}

void SubscriptionCore::cancel() {
  std::lock_guard lock(mu_);
  end(State::kCancelled, DropReason::kClosed);
}

void SubscriptionCore::end(State state, DropReason reason) {
  if (state_ != State::kRunning) return;
  state_ = state;
  reason_ = reason;
  active_.store(false, std::memory_order_release);
  cv_.notify_one();
}

bool SubscriptionCore::deliver(const Record& r) {
  std::uint64_t key = stream_ ? r.version : r.position;
  if (key <= last_) return true;  // already delivered during catch-up
  if (stream_ && r.stream != *stream_) return true;
  if (!running()) return false;
  handler_.on_event(r);
  last_ = key;
  return true;
}

void SubscriptionCore::run(Db& db) {
  if (catch_up(db)) live();
  std::unique_lock lock(mu_);
  bool dropped = state_ == State::kDropped;
  DropReason reason = reason_;
  buffer_.clear();
  lock.unlock();
  if (dropped && handler_.on_drop) handler_.on_drop(reason);
}

bool SubscriptionCore::catch_up(Db& db) {
  for (;;) {
    if (!running()) return false;
    auto page = stream_ ? db.read_stream(*stream_, last_, kCatchUpPage, Direction::kForward)
                        : db.read_all(last_, kCatchUpPage);
    if (!page) {
      stop(DropReason::kIo);
      return false;
    }
    if (page->empty()) {
      std::lock_guard lock(mu_);
      if (state_ != State::kRunning) return false;
      if (overflowed_) {
        overflowed_ = false;  // live records from now on are buffered again; re-read the disk
        continue;
      }
      live_ = true;
      break;
    }
    for (const Record& r : *page) {
      if (!deliver(r)) return false;
    }
  }
  if (handler_.on_live) handler_.on_live();
  return true;
}

void SubscriptionCore::live() {
  for (;;) {
    std::deque<Item> items;
    std::size_t taken = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return state_ != State::kRunning || !buffer_.empty(); });
      if (state_ != State::kRunning) return;
      items.swap(buffer_);
    }
    for (const Item& item : items) {
      for (const Record& r : *item.batch) {
        if (!deliver(r)) return;
      }
      taken += item.matching;
    }
    std::lock_guard lock(mu_);
    queued_ -= std::min(queued_, taken);
  }
}

bool Fanout::add(std::shared_ptr<SubscriptionCore> s) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  subs_.push_back(std::move(s));
  return true;
}

void Fanout::remove(const SubscriptionCore* s) {
  std::lock_guard lock(mu_);
  std::erase_if(subs_, [&](const auto& p) { return p.get() == s; });
  cv_.notify_all();
}

void Fanout::publish(const RecordBatch& batch) {
  std::lock_guard lock(mu_);
  for (const auto& s : subs_) s->publish(batch);
}

void Fanout::close_and_wait() {
  std::unique_lock lock(mu_);
  closed_ = true;
  for (const auto& s : subs_) s->stop(DropReason::kClosed);
  cv_.wait(lock, [&] { return subs_.empty(); });
}

std::unique_ptr<Subscription> start_subscription(std::shared_ptr<Fanout> fanout, Db& db,
                                                 std::shared_ptr<SubscriptionCore> core) {
  if (!fanout->add(core)) core->stop(DropReason::kClosed);
  std::thread t([fanout, &db, core] {
    pthread_setname_np(pthread_self(), "grappe-sub");
    core->run(db);
    fanout->remove(core.get());
  });
  return std::make_unique<SubscriptionHandle>(std::move(core), std::move(t));
}

}  // namespace grappe::es::detail
