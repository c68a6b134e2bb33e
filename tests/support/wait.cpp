#include "support/wait.h"

#include <algorithm>
#include <thread>

namespace grappe::test {

bool wait_until(const std::function<bool()>& condition, Clock::time_point deadline,
                std::chrono::milliseconds interval) {
  interval = std::max(interval, std::chrono::milliseconds(1));
  const auto checks = (deadline - Clock::now()) / interval + 2;
  for (auto i = decltype(checks){0}; i < checks; ++i) {
    if (condition()) return true;
    const auto now = Clock::now();
    if (now >= deadline) return false;
    // The one pause of the test support: between two checks of a condition, never instead.
    std::this_thread::sleep_for(std::min<Clock::duration>(interval, deadline - now));
  }
  return condition();
}

}  // namespace grappe::test
