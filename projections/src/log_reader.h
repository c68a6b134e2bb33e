// Private: reads the log ahead on its own thread and decodes the events the fold will need, so
// that reading and decoding (about half the work of a rebuild) overlap with folding.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/eventstore/store.h"

namespace grappe::projections {

struct DecodedChunk {
  std::vector<es::Record> records;
  std::vector<std::optional<domain::Event>> events;  // nullopt: not wanted, or unknown type
};

class LogReader {
 public:
  // Reads records with from < position <= target; decodes those `wanted` says (it runs on the
  // reader's thread, so it must only read what does not change meanwhile).
  LogReader(es::Store& store, std::uint64_t from, std::uint64_t target,
            std::function<bool(const es::Record&)> wanted);
  ~LogReader();  // stops the thread

  // The next chunk in log order; nullopt at the end; the error if reading failed.
  std::expected<std::optional<DecodedChunk>, std::string> next();

 private:
  void run(std::stop_token stop);

  es::Store& store_;
  std::uint64_t from_, target_;
  std::function<bool(const es::Record&)> wanted_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<DecodedChunk> ready_;
  bool done_ = false;
  std::string error_;
  std::jthread thread_;
};

}  // namespace grappe::projections
