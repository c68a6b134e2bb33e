// A process for the tests that need another process on the same store:
//   hold <dir>             opens the store, prints "open" (or "error <code>"), waits for stdin EOF
//   append <dir> <threads> appends from <threads> threads until killed (at most 30 s) and prints
//                          "ack <position> <event id>" for each acknowledged event
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "grappe/eventstore/store.h"

namespace {

using grappe::es::AppendRequest;
using grappe::es::Store;

std::mutex out_mu;

void say(const std::string& line) {
  std::lock_guard lock(out_mu);
  std::string s = line + "\n";
  for (std::size_t off = 0; off < s.size();) {
    ssize_t n = write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n <= 0) _exit(3);
    off += static_cast<std::size_t>(n);
  }
}

int hold(Store&) {
  say("open");
  char c;
  while (read(STDIN_FILENO, &c, 1) > 0) {
  }
  return 0;
}

void appender(Store& store, int thread, std::chrono::steady_clock::time_point deadline) {
  std::string stream = "crash-" + std::to_string(getpid()) + "-" + std::to_string(thread);
  std::uint64_t version = 0;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    AppendRequest r;
    r.command_id = stream + "-" + std::to_string(i);
    r.parts.push_back({stream, version, {}});
    std::vector<std::string> ids;
    for (int k = 0; k <= i % 3; ++k) {
      ids.push_back(r.command_id + "-" + std::to_string(k));
      r.parts[0].events.push_back(
          {ids.back(), "Crashed", "{\"i\":" + std::to_string(i) + "}", {"u", "U"}});
    }
    auto result = store.append_sync(std::move(r));
    if (!result || result->last_position - result->first_position + 1 != ids.size()) _exit(4);
    version = result->streams[0].version;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      say("ack " + std::to_string(result->first_position + k) + " " + ids[k]);
    }
  }
}

int append(Store& store, int threads) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(appender, std::ref(store), t, deadline);
  for (auto& t : ts) t.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::string mode = argv[1];
  auto store = Store::open(argv[2]);
  if (!store) {
    say("error " + std::string(grappe::es::to_string(store.error().code)) + " " +
        store.error().message);
    return 1;
  }
  if (mode == "hold") return hold(**store);
  if (mode == "append" && argc == 4) return append(**store, std::stoi(argv[3]));
  return 2;
}
