// The grappe-server under test: a child process on a free loopback port, with its own data folder
// and users file inside a temporary folder that this process removes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace grappe::bench {

// A fresh folder `<parent>/grappe-bench-server-XXXXXX`, removed (with its content) by the
// destructor.
class TempDir {
 public:
  explicit TempDir(const std::filesystem::path& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Token of the one user the benchmark signs in as: a gestionnaire of OG 330001009 (13 ET in the
// demo registry), so that it may create grappes and comment on them.
inline constexpr const char* kToken = "bench-server-token";
inline constexpr const char* kPorteurOg = "330001009";

class ServerProcess {
 public:
  // Writes the users file into `dir`, starts `binary` on 127.0.0.1:0 with `dir/data`, --no-demo
  // and --log-level warn (its standard error goes to `dir/server.log`), and waits at most 60 s for
  // its `listening on` line. Throws std::runtime_error when it does not come.
  ServerProcess(const std::filesystem::path& binary, const std::filesystem::path& dir);
  // SIGTERM, then SIGKILL if it has not exited within 10 s.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  // VmRSS of the server from /proc/PID/status, in MiB; nullopt if unreadable.
  std::optional<double> rss_mb() const;
  // CPU time used so far (user + system, all threads), from /proc.
  std::optional<double> cpu_seconds() const;
  // False once the process has exited (it is then reaped).
  bool alive();
  // The last `lines` lines of the server's standard error, for failure reports.
  std::string log_tail(int lines = 20) const;

 private:
  void stop();       // terminate() if running, then closes its stdout pipe
  void terminate();  // SIGTERM, SIGKILL after 10 s; reaps it
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path log_;
};

}  // namespace grappe::bench
