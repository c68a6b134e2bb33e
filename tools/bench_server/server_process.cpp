#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace grappe::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TempDir::TempDir(const fs::path& parent) {
  std::string tmpl = (parent / "grappe-bench-server-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot create a folder in " + parent.string());
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

fs::path write_users_file(const fs::path& dir) {
  nlohmann::json users = {{"users",
                           {{{"id", "bench-porteur"},
                             {"name", "Bench porteur"},
                             {"role", "gestionnaire"},
                             {"og", {kPorteurOg}},
                             {"token", kToken}}}}};
  auto path = dir / "users.json";
  std::ofstream(path) << users.dump(2);
  return path;
}

// One line from `fd` before `deadline`; false on end of file or timeout.
bool read_line(int fd, std::string& line, Clock::time_point deadline) {
  line.clear();
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
    line.push_back(c);
  }
}

}  // namespace

ServerProcess::ServerProcess(const fs::path& binary, const fs::path& dir)
    : log_(dir / "server.log") {
  auto users = write_users_file(dir);
  std::vector<std::string> args = {
      binary.string(), "--listen", "127.0.0.1:0",  "--data",      (dir / "data").string(),
      "--no-demo",     "--users",  users.string(), "--log-level", "warn"};
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // The server must not outlive a benchmark killed by a signal.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], 1);
    if (err >= 0) dup2(err, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  if (err >= 0) close(err);
  if (pid_ < 0) throw std::runtime_error("fork failed");
  std::string line;
  const std::string prefix = "listening on http://";
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (read_line(out[0], line, deadline)) {
    if (line.rfind(prefix, 0) == 0) {
      port_ = static_cast<unsigned short>(std::stoi(line.substr(line.rfind(':') + 1)));
      break;
    }
  }
  // Kept open until the server has stopped: a write to a closed pipe would kill it (SIGPIPE).
  stdout_fd_ = out[0];
  if (port_ == 0) {
    int status = 0;
    std::string how = "(no such line within 60 s)";
    // Its output ended: it is exiting; give it a moment to be reaped for its status.
    for (int i = 0; i < 50 && pid_ > 0; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (pid_ < 0) {
      how = WIFEXITED(status) ? "(exit status " + std::to_string(WEXITSTATUS(status)) + ")"
                              : "(killed by signal " + std::to_string(WTERMSIG(status)) + ")";
    }
    auto tail = log_tail();
    stop();
    throw std::runtime_error(binary.string() + " did not print its listening line " + how +
                             "; its log:\n" + tail);
  }
}

ServerProcess::~ServerProcess() {
  stop();
}

void ServerProcess::stop() {
  if (pid_ > 0) terminate();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

void ServerProcess::terminate() {
  kill(pid_, SIGTERM);
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

std::optional<double> ServerProcess::rss_mb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      if (status >> kb) return kb / 1024.0;
      return std::nullopt;
    }
    status.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

std::optional<double> ServerProcess::cpu_seconds() const {
  // /proc/<pid>/stat: fields 14 and 15 are utime and stime, in clock ticks; the command name
  // (field 2) is in parentheses and may hold spaces, so count from the last ')'.
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string ServerProcess::log_tail(int lines) const {
  std::ifstream in(log_);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

}  // namespace grappe::bench
