// The measurements of bench-eventstore; each runs for about `seconds` in its own folder.
#pragma once

#include <cstdint>
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
// `tree` false: without the Merkle tree (StoreOptions::merkle_tree), to measure its cost.
Rate appends(const std::filesystem::path& dir, int threads, int batch, double seconds,
             bool tree = true);
// Store: a subscription to $all from position 0 reading everything in `dir`'s log.
Rate catch_up(const std::filesystem::path& dir);

// The Merkle tree (tree.cpp): append throughput with it and without, alternated `rounds` times
// in fresh folders (medians); proofs, signing and rebuild on a log of `leaves` events.
struct TreeFigures {
  double on_per_s = 0, off_per_s = 0, overhead_pct = 0;
  std::uint64_t leaves = 0;
  double build_s = 0;
  double proof_p50_us = 0, proof_p99_us = 0, consistency_p99_us = 0, tile_p99_us = 0;
  double sign_p99_us = 0;
  double rebuild_s = 0, rebuild_per_s = 0;
};
void tree_overhead(const std::filesystem::path& dir, double seconds, int rounds, TreeFigures& f);
void tree_large(const std::filesystem::path& dir, std::uint64_t leaves, TreeFigures& f);

}  // namespace grappe::bench
