// The operating contract: listening line, health, SIGTERM, bad options, crash and restart.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "support.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;

TEST(Lifecycle, ListensOnAFreePortAndAnswersHealth) {
  Server server;
  auto health = get(server.port(), "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
  EXPECT_TRUE(health.body["position"].is_number_unsigned());
}

TEST(Lifecycle, SigtermExitsZero) {
  Server server;
  EXPECT_EQ(server.terminate(), 0);
}

TEST(Lifecycle, SigtermClosesWebSocketsWithGoingAway) {
  Server server;
  Ws ws(server.port());
  ws.hello(token("porteur"));
  std::jthread stop([&] { EXPECT_EQ(server.terminate(), 0); });
  EXPECT_EQ(ws.read_close_code(), 1001);
}

TEST(Lifecycle, BadOptionExitsTwoWithoutTouchingData) {
  TempDir dir;
  std::string err;
  EXPECT_EQ(run_server_once({"--data", (dir.path / "d").string(), "--bogus"}, &err), 2);
  EXPECT_FALSE(fs::exists(dir.path / "d"));
  EXPECT_NE(err.find("bogus"), std::string::npos);
  EXPECT_EQ(run_server_once({"--data", (dir.path / "d").string(), "--listen", "nonsense"}), 2);
  EXPECT_FALSE(fs::exists(dir.path / "d"));
}

TEST(Lifecycle, UnreadableFilesExitTwoWithoutTouchingData) {
  TempDir dir;
  auto data = (dir.path / "d").string();
  EXPECT_EQ(run_server_once({"--data", data, "--registry", (dir.path / "missing.csv").string()}),
            2);
  auto bad = dir.path / "bad.json";
  std::ofstream(bad) << "{ not json";
  EXPECT_EQ(run_server_once({"--data", data, "--users", bad.string()}), 2);
  EXPECT_EQ(run_server_once({"--data", data, "--config", bad.string()}), 2);
  std::ofstream(dir.path / "users.json")
      << R"({"users":[{"id":"x","name":"X","role":"king","token":"12345678"}]})";
  EXPECT_EQ(run_server_once({"--data", data, "--users", (dir.path / "users.json").string()}), 2);
  EXPECT_FALSE(fs::exists(dir.path / "d"));
}

TEST(Lifecycle, HelpExitsZero) {
  EXPECT_EQ(run_server_once({"--help"}), 0);
}

TEST(Lifecycle, SecondServerOnTheSameDataFailsClearly) {
  Server first;
  std::string err;
  EXPECT_NE(run_server_once({"--data", first.data().string(), "--listen", "127.0.0.1:0"}, &err), 0);
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
}

TEST(Lifecycle, EveryAckedCommandSurvivesKillNine) {
  TempDir dir;
  auto data = dir.path / "data";
  std::vector<std::pair<std::string, std::string>> acked;  // command id, grappe
  std::string grappe;
  {
    Server server({}, data);
    grappe = create_grappe(server.port());
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::jthread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&] {
        for (int i = 0; i < 200 && !stop; ++i) {
          auto id = new_id();
          try {
            auto a = command(server.port(), token("porteur"), grappe, "PostComment",
                             {{"text", "commentaire " + std::to_string(i)}}, id);
            if (a.status == 200) {
              std::lock_guard lock(mu);
              acked.emplace_back(id, grappe);
            }
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    // Killed under load, once 100 commands are acknowledged.
    EXPECT_TRUE(wait_until(
        [&] {
          std::lock_guard lock(mu);
          return acked.size() >= 100;
        },
        std::chrono::seconds(60), std::chrono::milliseconds(1)));
    server.kill9();
    stop = true;
  }
  Server restarted({}, data);
  auto events =
      get(restarted.port(), "/api/grappes/" + grappe + "/events?limit=5000", token("auditor"));
  ASSERT_EQ(events.status, 200);
  std::set<std::string> present;
  for (const auto& e : events.body["events"]) present.insert(e["commandId"].get<std::string>());
  for (const auto& [id, g] : acked) EXPECT_TRUE(present.contains(id)) << id;
  auto verify = get(restarted.port(), "/api/audit/verify", token("auditor"));
  EXPECT_EQ(verify.body["ok"], true);
  EXPECT_EQ(restarted.terminate(), 0);
}

}  // namespace
}  // namespace grappe::test
