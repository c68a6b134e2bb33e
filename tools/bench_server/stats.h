// Timing figures of the load phases.
#pragma once

#include <chrono>
#include <vector>

namespace grappe::bench {

using Clock = std::chrono::steady_clock;

// The p-th percentile (0–100) of `samples` in ms, nearest rank; sorts `samples`. NaN when empty.
double percentile(std::vector<double>& samples, double p);

// Seconds since `t0`.
inline double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace grappe::bench
