// grappe-server as a child process on the loopback port it chose itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace grappe::test {

// One grappe-server process. Not thread-safe: one owner drives it.
class ServerProcess {
 public:
  // Starts `binary` with `--listen 127.0.0.1:0` followed by `args`, its standard error to
  // `stderr_file` (empty: this process's), and reads its standard output for the line
  // `listening on http://HOST:PORT` that it prints once it accepts connections: port() is then
  // the port the system gave it. Throws std::runtime_error when that line does not come within
  // `ready_limit`; the message holds the exit status and the end of `stderr_file`, and the process
  // is gone by then.
  ServerProcess(const std::filesystem::path& binary, const std::vector<std::string>& args,
                const std::filesystem::path& stderr_file = {},
                std::chrono::seconds ready_limit = std::chrono::seconds(60));
  // kill9() if it is still running.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // SIGTERM, then waits for the exit: its status, or -1 when a signal ended it, when it had not
  // exited within `limit` (it is then killed) or when it was not running.
  int terminate(std::chrono::seconds limit = std::chrono::seconds(30));
  // SIGKILL; returns once it is reaped. Nothing when it is not running.
  void kill9();
  // False once it has exited (it is then reaped).
  bool alive();

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The last `lines` lines of `stderr_file` ("" without one), for failure reports.
  std::string stderr_tail(int lines = 20) const;

 private:
  void wait_ready(std::chrono::seconds limit);
  void close_stdout();

  pid_t pid_ = -1;
  // Kept open while the server runs: a write to a closed pipe would kill it (SIGPIPE).
  int stdout_fd_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path stderr_file_;
};

}  // namespace grappe::test
