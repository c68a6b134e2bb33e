// bench-ops: the server on the generated folder (issue 24): its resident memory once started
// with current checkpoints, and the grappe list read by an auditor, one page at a time (walking
// the cursors) against the whole list in one answer.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace grappe::bench {

struct ServeResult {
  std::optional<double> rss_mb;                        // VmRSS right after `listening on`
  std::optional<double> rss_after_mb;                  // after the list requests
  std::optional<double> page_p50_ms, page_p95_ms;      // GET /api/grappes?limit=100&cursor=…
  std::optional<double> filter_p50_ms, filter_p95_ms;  // the same with ?status=submitted
  std::optional<double> whole_ms;                      // GET /api/grappes (median of 3)
  std::size_t grappes = 0;                             // in the whole list
  std::string note;                                    // why something is missing
};

// Starts `server` on `data` (a third start: its checkpoints are current) with an auditor from a
// users file written beside `data`, measures, stops it. Standard error goes to `err`.
ServeResult serve_phase(const std::string& server, const std::filesystem::path& data,
                        const std::filesystem::path& err);

}  // namespace grappe::bench
