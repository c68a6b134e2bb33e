#include "log_reader.h"

#include "models.h"

namespace grappe::projections {
namespace {

constexpr std::size_t kChunk = 8192;  // records per read
constexpr std::size_t kAhead = 4;     // chunks decoded ahead of the fold

}  // namespace

LogReader::LogReader(es::Store& store, std::uint64_t from, std::uint64_t target,
                     std::function<bool(const es::Record&)> wanted)
    : store_(store), from_(from), target_(target), wanted_(std::move(wanted)) {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

LogReader::~LogReader() {
  thread_.request_stop();
  cv_.notify_all();
}

void LogReader::run(std::stop_token stop) {
  auto from = from_;
  while (from < target_ && !stop.stop_requested()) {
    auto batch = store_.read_all(from, std::min<std::uint64_t>(kChunk, target_ - from));
    std::unique_lock lock(mu_, std::defer_lock);
    if (!batch || batch->empty()) {
      lock.lock();
      if (!batch) error_ = "reading the log: " + batch.error().message;
      break;
    }
    DecodedChunk chunk;
    chunk.events.resize(batch->size());
    for (std::size_t i = 0; i < batch->size(); ++i) {
      if (wanted_((*batch)[i])) chunk.events[i] = decode_record((*batch)[i]);
    }
    from = batch->back().position;
    chunk.records = std::move(*batch);
    lock.lock();
    cv_.wait(lock, stop, [&] { return ready_.size() < kAhead; });
    ready_.push_back(std::move(chunk));
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  done_ = true;
  cv_.notify_all();
}

std::expected<std::optional<DecodedChunk>, std::string> LogReader::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || done_; });
  if (!ready_.empty()) {
    auto chunk = std::move(ready_.front());
    ready_.pop_front();
    cv_.notify_all();
    return chunk;
  }
  if (!error_.empty()) return std::unexpected(error_);
  return std::nullopt;
}

}  // namespace grappe::projections
