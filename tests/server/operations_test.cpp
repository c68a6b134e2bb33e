// Operations (issue 7) on the real binaries: read models resumed from their checkpoints, after a
// crash, rebuilt online and offline; online backup, then restore with the admin tool.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sanitized.h"
#include "support.h"
#include "support/process.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;
using boost::beast::http::verb;

const std::string kAdmin = token("admin");

// Runs grappe-admin with `args`; returns its exit status, its output (both streams) in `out`.
int admin(const std::vector<std::string>& args, std::string* out = nullptr) {
  auto r = run_program(GRAPPE_ADMIN_BIN, args);
  expect_no_sanitizer_report(r.err, "grappe-admin");
  if (out) *out = r.out + r.err;
  return r.status;
}

// Some history: grappes with invitations, accepts and comments.
std::vector<std::string> make_history(unsigned short port, int grappes) {
  std::vector<std::string> ids;
  for (int g = 0; g < grappes; ++g) {
    auto id = create_grappe(port, "Grappe " + std::to_string(g));
    ids.push_back(id);
    EXPECT_EQ(command(port, token("porteur"), id, "InviteEstablishment",
                      {{"finess", kEtPartner}, {"message", "Bienvenue"}})
                  .status,
              200);
    EXPECT_EQ(command(port, token("porteur"), id, "PostComment", {{"text", "Bonjour"}}).status,
              200);
  }
  EXPECT_EQ(
      command(port, token("partner"), ids[0], "AcceptInvitation", {{"finess", kEtPartner}}).status,
      200);
  return ids;
}

// Everything the read models answer an admin: the grappe list, each grappe, the invited
// establishments' memberships, the users.
json snapshot(unsigned short port) {
  json out;
  auto list = get(port, "/api/grappes", kAdmin);
  EXPECT_EQ(list.status, 200);
  out["list"] = list.body;
  for (const auto& g : list.body["grappes"]) {
    std::string id = g["id"];
    out["grappes"][id] = get(port, "/api/grappes/" + id, kAdmin).body;
  }
  for (const char* f : {kEtPartner, kEtPartner2, kEtPorteur}) {
    out["establishments"][f] = get(port, std::string("/api/establishments/") + f, kAdmin).body;
  }
  out["users"] = get(port, "/api/admin/users", kAdmin).body;
  return out;
}

json projections(unsigned short port) {
  auto answer = get(port, "/api/admin/projections", kAdmin);
  EXPECT_EQ(answer.status, 200);
  return answer.body;
}

// Waits (≤ 30 s) until no projection is rebuilding and none lags.
void wait_live(unsigned short port) {
  auto live = [&] {
    bool all_live = true;
    // Named: a range-for over a member of a temporary would read it after it is destroyed.
    const json all = projections(port);
    for (const auto& p : all["projections"]) all_live &= p["status"] == "live" && p["lag"] == 0;
    return all_live;
  };
  if (!wait_until(live, std::chrono::seconds(30), std::chrono::milliseconds(20))) {
    ADD_FAILURE() << "projections did not become live: " << projections(port).dump();
  }
}

TEST(Operations, RestartResumesFromCheckpointsWithoutReplay) {
  TempDir dir;
  auto data = dir.path / "data";
  json before;
  {
    Server server({}, data);
    make_history(server.port(), 3);
    before = snapshot(server.port());
    EXPECT_EQ(server.terminate(), 0);
  }
  Server server({}, data);
  auto p = projections(server.port());
  EXPECT_EQ(p["appliedSinceStart"], 0) << p.dump();
  for (const auto& projection : p["projections"]) {
    EXPECT_EQ(projection["lag"], 0);
    EXPECT_EQ(projection["status"], "live");
  }
  EXPECT_EQ(snapshot(server.port()), before);
}

TEST(Operations, AfterKillNineReadModelsEqualAnOfflineRebuild) {
  TempDir dir;
  auto data = dir.path / "data";
  {
    Server server({}, data);
    auto ids = make_history(server.port(), 2);
    std::atomic<bool> stop{false};
    std::atomic<int> acked{0};
    std::jthread load([&] {
      try {
        for (int i = 0; i < 2000 && !stop; ++i) {
          auto a = command(server.port(), token("porteur"), ids[i % 2], "PostComment",
                           {{"text", "message " + std::to_string(i)}});
          if (a.status == 200) ++acked;
        }
      } catch (const std::exception&) {
        // the server was killed under this request
      }
    });
    // Killed in the middle of the load: once some commands are acknowledged, others in flight.
    EXPECT_TRUE(wait_until([&] { return acked >= 50; }, std::chrono::seconds(30)));
    server.kill9();
    stop = true;
  }
  json after_crash;
  {
    Server server({}, data);
    after_crash = snapshot(server.port());
    for (const auto& [id, state] : after_crash["grappes"].items()) {
      auto then = get(server.port(),
                      "/api/grappes/" + id + "/state?atVersion=" +
                          std::to_string(state["version"].get<std::uint64_t>()),
                      kAdmin);
      EXPECT_EQ(then.body, state) << "read model differs from the log's fold for " << id;
    }
    EXPECT_EQ(server.terminate(), 0);
  }
  std::string out;
  ASSERT_EQ(admin({"rebuild", "--data", data.string()}, &out), 0) << out;
  Server server({}, data);
  EXPECT_EQ(projections(server.port())["appliedSinceStart"], 0);
  EXPECT_EQ(snapshot(server.port()), after_crash);
}

TEST(Operations, OnlineRebuildUnderCommandsEqualsAnOfflineRebuild) {
  TempDir dir;
  auto data = dir.path / "data";
  json online;
  {
    Server server({}, data);
    auto ids = make_history(server.port(), 3);
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    std::jthread load([&] {
      for (int i = 0; i < 3000 && !stop; ++i, ++sent) {
        command(server.port(), token("porteur"), ids[i % 3], "PostComment",
                {{"text", "message " + std::to_string(i)}});
      }
    });
    EXPECT_TRUE(wait_until([&] { return sent >= 20; }, std::chrono::seconds(30),
                           std::chrono::milliseconds(2)));
    for (const char* name : {"grappes", "establishments", "users"}) {
      auto answer = http(server.port(), verb::post,
                         std::string("/api/admin/projections/") + name + "/rebuild", kAdmin);
      EXPECT_EQ(answer.status, 202) << answer.text;
      EXPECT_EQ(answer.body["name"], name);
      EXPECT_EQ(answer.body["status"], "rebuilding");
    }
    EXPECT_EQ(http(server.port(), verb::post, "/api/admin/projections/nope/rebuild", kAdmin).status,
              404);
    EXPECT_EQ(
        http(server.port(), verb::post, "/api/admin/projections/grappes/rebuild", token("auditor"))
            .status,
        403);
    wait_live(server.port());
    stop = true;
    load.join();
    wait_live(server.port());
    online = snapshot(server.port());
    EXPECT_GT(online["grappes"][ids[0]]["comments"].size(), 1u);
    EXPECT_EQ(server.terminate(), 0);
  }
  std::string out;
  ASSERT_EQ(admin({"rebuild", "--data", data.string()}, &out), 0) << out;
  Server server({}, data);
  EXPECT_EQ(snapshot(server.port()), online);
}

TEST(Operations, OnlineBackupWipeRestoreGivesTheSameHeadAndAnswers) {
  TempDir dir;
  auto data = dir.path / "data";
  json before, verify_before, key_before;
  std::string backup;
  {
    Server server({}, data);
    make_history(server.port(), 2);
    auto answer = http(server.port(), verb::post, "/api/admin/backup", kAdmin);
    ASSERT_EQ(answer.status, 201) << answer.text;
    backup = answer.body["path"];
    EXPECT_EQ(http(server.port(), verb::post, "/api/admin/backup", token("auditor")).status, 403);
    before = snapshot(server.port());
    verify_before = get(server.port(), "/api/audit/verify", kAdmin).body;
    key_before = get(server.port(), "/api/log/key").body;
    EXPECT_EQ(answer.body["head"], verify_before["head"]);
    EXPECT_EQ(server.terminate(), 0);
  }
  fs::remove_all(data);
  std::string out;
  ASSERT_EQ(admin({"restore", "--from", backup, "--data", data.string()}, &out), 0) << out;
  Server server({}, data);
  auto verify_after = get(server.port(), "/api/audit/verify", kAdmin).body;
  // Which checkpoint verify met depends on when the last one was signed (every second, and at
  // start): everything else must be equal.
  verify_before.erase("checkpoint");
  verify_after.erase("checkpoint");
  EXPECT_EQ(verify_after, verify_before);
  EXPECT_EQ(get(server.port(), "/api/log/key").body, key_before);  // the backup carried the key
  EXPECT_EQ(snapshot(server.port()), before);
  fs::remove_all(fs::path(backup).parent_path());
}

}  // namespace
}  // namespace grappe::test
