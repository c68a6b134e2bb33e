// Waiting on a fact instead of sleeping: poll a condition until it holds or a deadline passes.
#pragma once

#include <chrono>
#include <functional>

namespace grappe::test {

using Clock = std::chrono::steady_clock;

// Checks `condition` at once, then every `interval`, until it returns true or `deadline` passes;
// true when it held. The deadline is a failure limit, never a delay: a condition that holds ends
// the wait at once. At most deadline / interval + 2 checks. `condition` runs on the calling
// thread.
bool wait_until(const std::function<bool()>& condition, Clock::time_point deadline,
                std::chrono::milliseconds interval = std::chrono::milliseconds(10));

// The same with a deadline `timeout` from now.
inline bool wait_until(const std::function<bool()>& condition, Clock::duration timeout,
                       std::chrono::milliseconds interval = std::chrono::milliseconds(10)) {
  return wait_until(condition, Clock::now() + timeout, interval);
}

}  // namespace grappe::test
