#include "fsync_limit.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "grappe/eventstore/store.h"

namespace grappe::bench {

namespace es = grappe::es;
using Clock = std::chrono::steady_clock;

FsyncLimit store_fsync_limit(const std::filesystem::path& dir, double seconds) {
  auto opened = es::Store::open(dir);
  if (!opened) throw std::runtime_error("cannot open store: " + opened.error().message);
  auto& store = **opened;
  // About the size of a CommentPosted event, so that the store writes what the server writes.
  std::string data = R"({"text":")" + std::string(200, 'x') + R"("})";
  const std::string stream = "grappe-fsync-limit";
  std::uint64_t version = 0;
  FsyncLimit r;
  auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  while (elapsed() < seconds) {
    es::AppendRequest request;
    request.parts.push_back(
        {stream, version, {es::NewEvent{"", "CommentPosted", data, {"bench", "Bench"}}}});
    auto out = store.append_sync(std::move(request));
    if (!out) throw std::runtime_error("append: " + out.error().message);
    version = out->streams[0].version;
    ++r.appends;
  }
  r.seconds = elapsed();
  r.per_s = static_cast<double>(r.appends) / r.seconds;
  r.mean_ms = 1000.0 * r.seconds / static_cast<double>(r.appends);
  return r;
}

}  // namespace grappe::bench
