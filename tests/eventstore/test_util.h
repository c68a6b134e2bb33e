// Helpers shared by the event store tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::es::test {

// A fresh folder under testing::TempDir(), removed with everything in it by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// An event of `type` with data {"n":n,"pad":"…"} about `bytes` long.
NewEvent event(const std::string& type, int n, std::size_t bytes = 0);
// A request appending `events` to `stream` with `expected` version.
AppendRequest request(const std::string& stream, ExpectedVersion expected,
                      std::vector<NewEvent> events, std::string command_id = {});
// Opens the store or fails the test (throws std::runtime_error with the message).
std::unique_ptr<Store> open_store(const std::filesystem::path& dir, StoreOptions options = {});
// Every record of the log, read in pages.
std::vector<Record> read_everything(Store& store);

// A helper process (tests/eventstore/helper_main.cpp) whose stdout is read line by line.
class Helper {
 public:
  explicit Helper(const std::vector<std::string>& args);
  ~Helper();  // kills it if still running, reaps it
  // Next full line of its output, waiting at most `timeout_ms`; false on EOF or timeout.
  bool read_line(std::string& line, int timeout_ms);
  void kill_now();     // SIGKILL and reap
  void close_stdin();  // its signal to exit
  int wait();          // exit status

 private:
  int pid_ = -1;
  int out_ = -1;
  int in_ = -1;
  std::string pending_;
  bool reaped_ = false;
};

}  // namespace grappe::es::test
