// The measurements of bench-eventstore; each runs for about `seconds` in its own folder.
#pragma once

#include <filesystem>

namespace grappe::bench {

struct Rate {
  double per_s = 0;
  double events = 0;
  double seconds = 0;
  double mean_latency_ms = 0;  // per call, when meaningful
};

// Raw RocksDB: one thread, synced single-key writes of ~300 bytes.
Rate fsync_limit(const std::filesystem::path& dir, double seconds);
// Store: `threads` appenders, each appending `batch` events of ~300 bytes per call to its own
// stream with an exact expected version, waiting for each acknowledgement.
Rate appends(const std::filesystem::path& dir, int threads, int batch, double seconds);
// Store: a subscription to $all from position 0 reading everything in `dir`'s log.
Rate catch_up(const std::filesystem::path& dir);

}  // namespace grappe::bench
