#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace grappe::bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out,
                             const std::string& err) {
  int in = open("/dev/null", O_RDONLY);
  int e = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || e < 0 || out < 0) _exit(127);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(e, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

// Waits for `pid` until `deadline`; the raw status, nullopt on timeout.
std::optional<int> wait_until(int pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    int r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<int> exit_status(std::optional<int> raw) {
  if (!raw || !WIFEXITED(*raw)) return std::nullopt;
  return WEXITSTATUS(*raw);
}

}  // namespace

std::optional<int> run(const std::vector<std::string>& argv, const std::string& out_file,
                       const std::string& err_file, std::chrono::seconds timeout) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out =
        open(out_file.empty() ? "/dev/null" : out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    exec_child(argv, out, err_file);
  }
  auto raw = wait_until(pid, Clock::now() + timeout);
  if (!raw) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  return exit_status(raw);
}

ServerProcess::ServerProcess(const std::vector<std::string>& argv, const std::string& err_file) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) exec_child(argv, dup(fds[1]), err_file);
  close(fds[1]);
  out_ = fds[0];
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
}

bool ServerProcess::wait_listening(std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
      bool listening = pending_.starts_with("listening on");
      if (listening) {
        auto colon = pending_.rfind(':', nl);
        if (colon != std::string::npos)
          port_ = static_cast<unsigned short>(std::atoi(pending_.c_str() + colon + 1));
      }
      pending_.erase(0, nl + 1);
      if (listening) return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<int> ServerProcess::stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  auto raw = wait_until(pid_, Clock::now() + timeout);
  if (!raw) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  return exit_status(raw);
}

}  // namespace grappe::bench
