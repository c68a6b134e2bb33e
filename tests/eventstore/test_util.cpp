#include "test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace grappe::es::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  path_ = fs::path(testing::TempDir()) /
          ("grappe-es-" + name + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

NewEvent event(const std::string& type, int n, std::size_t bytes) {
  std::string data = "{\"n\":" + std::to_string(n);
  if (bytes > data.size() + 10)
    data += ",\"pad\":\"" + std::string(bytes - data.size() - 10, 'x') + "\"";
  data += "}";
  return NewEvent{"", type, data, Actor{"u-1", "Alice"}};
}

AppendRequest request(const std::string& stream, ExpectedVersion expected,
                      std::vector<NewEvent> events, std::string command_id) {
  AppendRequest r;
  r.command_id = std::move(command_id);
  r.parts.push_back(AppendPart{stream, expected, std::move(events)});
  return r;
}

std::unique_ptr<Store> open_store(const fs::path& dir, StoreOptions options) {
  auto s = Store::open(dir, options);
  if (!s) throw std::runtime_error("open failed: " + s.error().message);
  return std::move(*s);
}

std::vector<Record> read_everything(Store& store) {
  std::vector<Record> all;
  for (;;) {
    auto page = store.read_all(all.empty() ? 0 : all.back().position, 5000);
    if (!page) throw std::runtime_error("read_all failed: " + page.error().message);
    if (page->empty()) return all;
    all.insert(all.end(), std::make_move_iterator(page->begin()),
               std::make_move_iterator(page->end()));
  }
}

Helper::Helper(const std::vector<std::string>& args) {
  int out[2], in[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(in[0], STDIN_FILENO);
    std::vector<char*> argv;
    std::string path = GRAPPE_ES_HELPER;
    argv.push_back(path.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(in[0]);
  out_ = out[0];
  in_ = in[1];
}

Helper::~Helper() {
  if (!reaped_) kill_now();
  if (out_ >= 0) close(out_);
  if (in_ >= 0) close(in_);
}

bool Helper::read_line(std::string& line, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (auto nl = pending_.find('\n'); nl != std::string::npos) {
      line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

void Helper::kill_now() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  wait();
}

void Helper::close_stdin() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

int Helper::wait() {
  int status = 0;
  if (!reaped_) waitpid(pid_, &status, 0);
  reaped_ = true;
  return status;
}

}  // namespace grappe::es::test
