// The disk's limit for durable commands: sequential synced single-event appends through the event
// store (as bench-eventstore's "1 appender, single events"), each waiting for its fsync.
#pragma once

#include <filesystem>

namespace grappe::bench {

struct FsyncLimit {
  double per_s = 0;
  long appends = 0;
  double seconds = 0;
  double mean_ms = 0;  // per append
};

// Appends for about `seconds` to a fresh store in `dir` (created; left for the caller to remove).
// Throws std::runtime_error when the store fails.
FsyncLimit store_fsync_limit(const std::filesystem::path& dir, double seconds);

}  // namespace grappe::bench
