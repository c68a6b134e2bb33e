#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace grappe::admin {
namespace {

using namespace std::chrono_literals;

constexpr auto kTerminalEvery = 100ms;
constexpr auto kLogEvery = 5s;
constexpr int kBarWidth = 30;

std::string clock_text(double seconds) {
  auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total), terminal_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  finish();
}

std::chrono::steady_clock::duration Progress::elapsed() const {
  return Clock::now() - start_;
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  auto now = Clock::now();
  if (now - last_draw_ < (terminal_ ? kTerminalEvery : kLogEvery)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  double rate = seconds > 0 ? done_ / seconds : 0;
  std::string line = label_ + " ";
  if (terminal_ && total_ > 0) {
    int filled = static_cast<int>(kBarWidth * std::min<double>(1.0, double(done_) / total_));
    line += "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
  }
  line += with_commas(done_);
  if (total_ > 0) {
    line += "/" + with_commas(total_) + " (" + std::to_string(done_ * 100 / total_) + "%)";
  }
  line += ", " + with_commas(static_cast<std::uint64_t>(rate)) + "/s";
  if (final) {
    line += ", " + clock_text(seconds) + " elapsed";
  } else if (total_ > done_ && rate > 0) {
    line += ", " + clock_text((total_ - done_) / rate) + " left";
  }
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace grappe::admin
