// bench-ops: child processes, timed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace grappe::bench {

// Runs `argv` with standard output to `out_file` (or /dev/null when empty) and standard error
// to `err_file`; waits at most `timeout` (then kills it). The exit status, nullopt on timeout
// or signal.
std::optional<int> run(const std::vector<std::string>& argv, const std::string& out_file,
                       const std::string& err_file, std::chrono::seconds timeout);

// A server process whose standard output is read for its `listening on` line.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& argv, const std::string& err_file);
  ~ServerProcess();  // SIGKILL if still running
  // Waits for a line starting with `listening on`; false on EOF or after `timeout`.
  bool wait_listening(std::chrono::seconds timeout);
  // SIGTERM, then waits up to `timeout` (then SIGKILL); the exit status, nullopt if killed.
  std::optional<int> stop(std::chrono::seconds timeout);
  int pid() const { return pid_; }
  // The port of the `listening on http://HOST:PORT` line (0 before it).
  unsigned short port() const { return port_; }

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  int out_ = -1;
  std::string pending_;
};

}  // namespace grappe::bench
