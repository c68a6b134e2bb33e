// Child processes of the tests: grappe-server, grappe-admin. Only the pid a call spawned is ever
// signalled or waited for.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace grappe::test {

// File descriptors the child gets as its standard streams; -1 keeps this process's.
struct ChildStreams {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Starts `binary` with `args`. The child is killed (SIGKILL) when the thread that spawned it ends
// (PR_SET_PDEATHSIG follows the forking thread, not the process): spawn from a thread that lives
// as long as the child, as the tests' and benchmarks' main threads do, so that no server outlives
// a crashed test or benchmark. Throws std::runtime_error if fork() fails; a binary
// that cannot be executed exits with 127. The caller closes its own copies of `streams`.
pid_t spawn(const std::filesystem::path& binary, const std::vector<std::string>& args,
            ChildStreams streams);

// Waits until child `pid` exits or `deadline` passes and reaps it. Its exit status, -1 when a
// signal ended it; nullopt at the deadline (the child is then still running and not reaped).
std::optional<int> wait_exit(pid_t pid, std::chrono::steady_clock::time_point deadline);

// SIGKILL to child `pid`, then reaps it.
void kill_and_reap(pid_t pid);

struct RunResult {
  int status = -1;  // exit status; -1: ended by a signal or killed at the time limit
  std::string out;  // standard output
  std::string err;  // standard error
};

struct RunOptions {
  std::filesystem::path input;      // standard input; empty: /dev/null
  std::chrono::seconds limit{120};  // then SIGKILL, status -1
};

// Runs `binary` with `args` to its end and returns what it printed. Throws std::runtime_error when
// it cannot be started.
RunResult run_program(const std::filesystem::path& binary, const std::vector<std::string>& args,
                      const RunOptions& options = {});

// The whole content of `file` ("" when it cannot be read).
std::string read_file(const std::filesystem::path& file);

}  // namespace grappe::test
