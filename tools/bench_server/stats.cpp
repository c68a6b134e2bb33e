#include "stats.h"

#include <algorithm>
#include <cmath>

namespace grappe::bench {

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return std::nan("");
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

}  // namespace grappe::bench
