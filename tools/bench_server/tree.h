// The Merkle tree's cost through the whole server (issue 19): 64 connections against a server
// with the tree and one without (--merkle-tree off), alternated in fresh folders, medians; and
// inclusion proofs over HTTP on the server with the tree, after its load.
#pragma once

#include <filesystem>
#include <string>

#include "load.h"

namespace grappe::bench {

struct TreeResult {
  bool ok = false;
  std::string error;
  double on_per_s = 0, off_per_s = 0, overhead_pct = 0;
  double proof_p50_us = 0, proof_p99_us = 0;
  long proofs = 0;
  std::uint64_t log_size = 0;
};

TreeResult tree_phase(const std::filesystem::path& binary, const std::filesystem::path& base,
                      const LoadSettings& settings, int rounds);

}  // namespace grappe::bench
