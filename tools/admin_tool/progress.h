// grappe-admin: progress of a long operation on standard error. On a terminal: a bar with the
// rate and the time left, redrawn at most 10 times a second. Otherwise (a log, a pipe): a plain
// line every 5 seconds. Results go to standard output; nothing here writes there.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace grappe::admin {

class Progress {
 public:
  // `total` = 0 when unknown (no percentage nor time left then).
  Progress(std::string label, std::uint64_t total);
  ~Progress();  // finish() if not done yet

  // `done` units (events) so far; cheap when called often.
  void update(std::uint64_t done);
  // Draws the final state with the elapsed time and the mean rate; ends the bar's line.
  void finish();

  std::chrono::steady_clock::duration elapsed() const;

 private:
  void draw(bool final);

  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool terminal_;
  bool finished_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_ = start_;
};

// 1234567 → "1,234,567".
std::string with_commas(std::uint64_t n);

}  // namespace grappe::admin
