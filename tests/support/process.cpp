#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.h"
#include "support/wait.h"

namespace grappe::test {

namespace fs = std::filesystem;

pid_t spawn(const fs::path& binary, const std::vector<std::string>& args, ChildStreams streams) {
  std::vector<std::string> argv_text = {binary.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(127);  // the parent died before prctl
    if (streams.in >= 0) ::dup2(streams.in, STDIN_FILENO);
    if (streams.out >= 0) ::dup2(streams.out, STDOUT_FILENO);
    if (streams.err >= 0) ::dup2(streams.err, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::optional<int> wait_exit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  int status = 0;
  // A child's exit is no file descriptor to wait on: poll it (every 5 ms).
  bool exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, deadline,
                           std::chrono::milliseconds(5));
  if (!exited) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

namespace {

// A file descriptor closed when it goes out of scope; opened close-on-exec, so that no other
// child inherits it (dup2 into a child's 0, 1, 2 clears the flag there).
struct Fd {
  int fd;
  Fd(const char* path, int flags) : fd(::open(path, flags | O_CLOEXEC, 0644)) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

RunResult run_program(const fs::path& binary, const std::vector<std::string>& args,
                      const RunOptions& options) {
  TempDir io("run");
  const fs::path out = io.path / "out", err = io.path / "err";
  const Fd in_fd(options.input.empty() ? "/dev/null" : options.input.c_str(), O_RDONLY);
  const Fd out_fd(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
  const Fd err_fd(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
  if (in_fd.fd < 0 || out_fd.fd < 0 || err_fd.fd < 0) {
    throw std::runtime_error("cannot open the streams of " + binary.string());
  }
  const pid_t pid = spawn(binary, args, {.in = in_fd.fd, .out = out_fd.fd, .err = err_fd.fd});
  RunResult r;
  auto status = wait_exit(pid, std::chrono::steady_clock::now() + options.limit);
  if (status) {
    r.status = *status;
  } else {
    kill_and_reap(pid);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace grappe::test
