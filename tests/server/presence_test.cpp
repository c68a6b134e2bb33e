// Presence at scale (PROTOCOL.md v2): the hub lists people, not connections, the most recently
// active first, at most 100 with their `count`, and coalesces a grappe's pushes (one per 250 ms)
// so that a crowd joining costs bytes linear in its size.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "hub.h"

namespace grappe::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class Recorder : public Subscriber {
 public:
  void deliver_event(const std::string&, std::uint64_t, Frame) override {}
  void deliver(Frame frame) override {
    std::lock_guard lock(mu_);
    bytes_ += frame->size();
    frames_.push_back(json::parse(*frame));
  }
  std::size_t frames() const {
    std::lock_guard lock(mu_);
    return frames_.size();
  }
  std::size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  json last() const {
    std::lock_guard lock(mu_);
    return frames_.empty() ? json() : frames_.back();
  }
  // Waits (at most 2 s) for a presence frame that `ok` accepts.
  template <typename Ok>
  json wait_for(Ok ok) const {
    const auto until = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < until) {
      if (json frame = last(); !frame.is_null() && ok(frame)) return frame;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return last();
  }

 private:
  mutable std::mutex mu_;
  std::vector<json> frames_;
  std::size_t bytes_ = 0;
};

PresenceEntry person(int i, std::string status = "viewing", std::string focus = "") {
  return {"u" + std::to_string(i), "Personne " + std::to_string(i), std::move(status),
          std::move(focus)};
}

TEST(Presence, OneEntryPerPersonEditingOverViewingLatestFocus) {
  Hub hub;
  auto watcher = std::make_shared<Recorder>();
  auto phone = std::make_shared<Recorder>(), laptop = std::make_shared<Recorder>();
  hub.subscribe("g", watcher, person(0));
  hub.subscribe("g", phone, person(1, "editing", "330010174"));
  hub.subscribe("g", laptop, person(1, "viewing", "330010349"));
  auto frame = watcher->wait_for([](const json& f) { return f["count"] == 2; });
  ASSERT_EQ(frame["users"].size(), 2u) << frame;
  EXPECT_EQ(frame["users"][0]["id"], "u1");  // the most recently active first
  EXPECT_EQ(frame["users"][0]["status"], "editing");
  EXPECT_EQ(frame["users"][0]["focus"], "330010349");
  // Closing one connection keeps the person; closing both removes them.
  hub.drop(phone.get());
  frame = watcher->wait_for([](const json& f) { return f["users"][0]["status"] == "viewing"; });
  EXPECT_EQ(frame["count"], 2);
  hub.drop(laptop.get());
  frame = watcher->wait_for([](const json& f) { return f["count"] == 1; });
  ASSERT_EQ(frame["users"].size(), 1u);
  EXPECT_EQ(frame["users"][0]["id"], "u0");
}

TEST(Presence, ListsAtMostAHundredWithTheCount) {
  Hub hub;
  std::vector<std::shared_ptr<Recorder>> all;
  for (int i = 0; i < 150; ++i) {
    all.push_back(std::make_shared<Recorder>());
    hub.subscribe("g", all.back(), person(i));
  }
  hub.set_presence("g", all[3].get(), "editing", "x");
  auto frame = all[0]->wait_for(
      [](const json& f) { return f["count"] == 150 && f["users"][0]["id"] == "u3"; });
  EXPECT_EQ(frame["count"], 150);
  ASSERT_EQ(frame["users"].size(), 100u);
  EXPECT_EQ(frame["users"][0]["id"], "u3");
  EXPECT_EQ(frame["users"][1]["id"], "u149");  // then by latest activity
  EXPECT_EQ(frame["users"][99]["id"], "u51");
}

// 1,000 connections join one grappe as fast as they can: each receives a handful of frames
// (one per 250 ms of the burst, plus the first), not one per later join.
TEST(Presence, ABurstOfJoinsIsCoalesced) {
  Hub hub;
  std::vector<std::shared_ptr<Recorder>> all;
  const auto start = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    all.push_back(std::make_shared<Recorder>());
    hub.subscribe("g", all.back(), person(i));
  }
  const auto burst_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  all[0]->wait_for([](const json& f) { return f["count"] == 1000; });
  EXPECT_EQ(all[999]->wait_for([](const json& f) { return f["count"] == 1000; })["count"], 1000);
  const std::size_t most = 2 + static_cast<std::size_t>(burst_ms / 250) + 1;
  EXPECT_LE(all[0]->frames(), most) << burst_ms << " ms";
  std::size_t frames = 0, bytes = 0;
  for (const auto& r : all) {
    frames += r->frames();
    bytes += r->bytes();
  }
  // Uncoalesced, the connections would have received ~500,000 frames.
  EXPECT_LE(frames, 1000 * most) << burst_ms << " ms";
  EXPECT_LE(bytes, frames * 10'000) << "each frame holds at most 100 people";
}

}  // namespace
}  // namespace grappe::server
