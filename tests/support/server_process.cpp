#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "support/process.h"

namespace grappe::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// One line from `fd` before `deadline`; false on end of file or at the deadline.
bool read_line(int fd, std::string& line, Clock::time_point deadline) {
  line.clear();
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
    line.push_back(c);
  }
}

// The port of a `listening on http://HOST:PORT` line; nullopt for any other line.
std::optional<unsigned short> listening_port(const std::string& line) {
  const std::string prefix = "listening on http://";
  if (!line.starts_with(prefix)) return std::nullopt;
  const int port = std::atoi(line.c_str() + line.rfind(':') + 1);
  if (port <= 0 || port > 65535) return std::nullopt;
  return static_cast<unsigned short>(port);
}

std::string describe_exit(std::optional<int> status) {
  if (!status) return "(no listening line in time)";
  if (*status < 0) return "(ended by a signal)";
  return "(exit status " + std::to_string(*status) + ")";
}

}  // namespace

ServerProcess::ServerProcess(const fs::path& binary, const std::vector<std::string>& args,
                             const fs::path& stderr_file, std::chrono::seconds ready_limit)
    : stderr_file_(stderr_file) {
  std::vector<std::string> all = {"--listen", "127.0.0.1:0"};
  all.insert(all.end(), args.begin(), args.end());
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  ChildStreams streams;
  streams.out = out[1];
  if (!stderr_file.empty()) {
    streams.err =
        ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0644);
    if (streams.err < 0) {
      ::close(out[0]);
      ::close(out[1]);
      // Without it the server's log and any sanitizer report would be lost to the test.
      throw std::runtime_error("cannot open " + stderr_file.string());
    }
  }
  try {
    pid_ = spawn(binary, all, streams);
  } catch (...) {
    for (int fd : {out[0], out[1], streams.err}) {
      if (fd >= 0) ::close(fd);
    }
    throw;
  }
  ::close(out[1]);
  if (streams.err >= 0) ::close(streams.err);
  stdout_fd_ = out[0];
  wait_ready(ready_limit);
}

void ServerProcess::wait_ready(std::chrono::seconds limit) {
  std::string line;
  const auto deadline = Clock::now() + limit;
  while (read_line(stdout_fd_, line, deadline)) {
    if (auto port = listening_port(line)) {
      port_ = *port;
      return;
    }
  }
  // Its output ended (it is exiting) or the time is up: give it a moment to tell why.
  auto status = wait_exit(pid_, Clock::now() + std::chrono::seconds(1));
  if (!status) kill_and_reap(pid_);
  pid_ = -1;
  close_stdout();
  throw std::runtime_error("grappe-server printed no listening line " + describe_exit(status) +
                           "; the end of its standard error:\n" + stderr_tail());
}

ServerProcess::~ServerProcess() {
  kill9();
  close_stdout();
}

int ServerProcess::terminate(std::chrono::seconds limit) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto status = wait_exit(pid_, Clock::now() + limit);
  if (!status) kill_and_reap(pid_);
  pid_ = -1;
  close_stdout();
  return status.value_or(-1);
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  kill_and_reap(pid_);
  pid_ = -1;
  close_stdout();
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  if (wait_exit(pid_, Clock::now())) {
    pid_ = -1;
    close_stdout();
  }
  return pid_ > 0;
}

void ServerProcess::close_stdout() {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
}

std::string ServerProcess::stderr_tail(int lines) const {
  if (stderr_file_.empty()) return "";
  std::ifstream in(stderr_file_);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string text;
  for (const auto& l : last) text += l + "\n";
  return text;
}

}  // namespace grappe::test
