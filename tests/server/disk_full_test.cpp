// Disk full: the real server on a small tmpfs that fills up. Commands are answered `unavailable`
// (HTTP 503), nothing unsynced is acknowledged, reads, subscriptions and presence go on, /healthz
// says `degraded`; once a file is deleted, writes resume by themselves, and after a restart the
// log holds exactly the acknowledged commands.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "support.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A tmpfs of `size` on a fresh folder, unmounted by the destructor (root only).
struct SmallDisk {
  explicit SmallDisk(const std::string& size) {
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", dir.path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) {
      mounted = true;
    } else {
      error = std::strerror(errno);
    }
  }
  ~SmallDisk() {
    if (mounted) ::umount2(dir.path.c_str(), MNT_DETACH);
  }
  TempDir dir;
  bool mounted = false;
  std::string error;
};

// Writes a file in `dir` until the file system has no byte left; its path.
fs::path fill(const fs::path& dir) {
  auto path = dir / "filler";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0) << std::strerror(errno);
  std::string chunk(1 << 20, 'x');
  for (std::size_t size = chunk.size(); size > 0;) {
    if (::write(fd, chunk.data(), size) < 0) size /= 2;  // ENOSPC: finish the last pages
  }
  ::fsync(fd);
  ::close(fd);
  return path;
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!disk_.mounted) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << disk_.error
                   << "): the disk-full test needs root and mount rights";
    }
  }

  // A comment by the porteur under `id`; the HTTP answer.
  HttpAnswer comment(unsigned short port, const std::string& id) {
    return command(port, token("porteur"), grappe_, "PostComment", {{"text", "note " + id}}, id);
  }
  // Records an ack (its version) or an `unavailable`; anything else fails the test.
  void note(const std::string& id, const HttpAnswer& a) {
    if (a.status == 200) {
      acked_[id] = a.body["version"].get<std::uint64_t>();
    } else {
      EXPECT_EQ(a.status, 503) << a.text;
      EXPECT_EQ(a.body["code"], "unavailable") << a.text;
      EXPECT_FALSE(a.body["message"].get<std::string>().empty());
      unavailable_.push_back(id);
    }
  }

  SmallDisk disk_{"48m"};
  std::string grappe_ = new_id();
  std::map<std::string, std::uint64_t> acked_;  // command id → version acknowledged
  std::vector<std::string> unavailable_;
};

// Waits (≤ 30 s) until /healthz answers `status`; its last answer.
HttpAnswer wait_health(unsigned short port, int status) {
  HttpAnswer answer;
  wait_until([&] { return (answer = get(port, "/healthz")).status == status; }, 30s, 20ms);
  return answer;
}

// The answer (ack or rejected) to command `id` on `ws`, skipping events and presence.
json ws_answer(Ws& ws, const std::string& id) {
  for (;;) {
    auto msg = ws.read();
    if ((msg["type"] == "ack" || msg["type"] == "rejected") && msg["id"] == id) return msg;
  }
}

// Versions of the `event` messages `ws` received (those it skipped first) up to `last`.
std::vector<std::uint64_t> event_versions(Ws& ws, std::uint64_t last) {
  std::vector<std::uint64_t> versions;
  auto take = [&](const json& m) {
    if (m["type"] == "event") versions.push_back(m["version"].get<std::uint64_t>());
  };
  for (const auto& m : ws.skipped) take(m);
  ws.skipped.clear();
  while (versions.empty() || versions.back() < last) take(ws.read());
  return versions;
}

// Reads `presence` messages until one shows someone editing.
bool sees_editing(Ws& ws) {
  for (int i = 0; i < 20; ++i) {
    const auto presence = ws.read_until("presence");
    for (const auto& u : presence["users"]) {
      if (u["status"] == "editing") return true;
    }
  }
  return false;
}

TEST_F(DiskFull, CommandsUnavailableUntilSpaceIsFreedAndNoAckLostOrInvented) {
  const auto data = disk_.dir.path / "data";
  {
    Server server({"--no-demo"}, data);
    const auto port = server.port();
    const auto create = new_id();
    note(create, command(port, token("porteur"), grappe_, "CreateGrappe",
                         {{"name", "Grappe disque plein"},
                          {"call", "default"},
                          {"region", "75"},
                          {"porteur", kOgPorteur}},
                         create));
    ASSERT_EQ(acked_.size(), 1u);
    for (int i = 0; i < 5; ++i) {
      auto id = new_id();
      note(id, comment(port, id));
    }
    Ws watcher(port);
    watcher.hello(token("porteur"));
    watcher.send({{"type", "subscribe"}, {"grappe", grappe_}});
    const auto watched_from = watcher.read_until("snapshot")["version"].get<std::uint64_t>();

    const auto filler = fill(disk_.dir.path);
    for (int i = 0; i < 2000 && unavailable_.empty(); ++i) {
      auto id = new_id();
      note(id, comment(port, id));
    }
    ASSERT_FALSE(unavailable_.empty()) << "no command was refused on a full disk";
    const std::uint64_t last_version = acked_.size();  // one event per command

    auto health = get(port, "/healthz");
    EXPECT_EQ(health.status, 503) << health.text;
    EXPECT_EQ(health.body["status"], "degraded");
    EXPECT_FALSE(health.body["reason"].get<std::string>().empty());
    EXPECT_TRUE(health.body["position"].is_number_unsigned());
    EXPECT_NE(get(port, "/metrics").text.find("grappe_store_degraded 1"), std::string::npos);

    // WebSocket commands are refused the same way; reads, subscriptions and presence go on.
    Ws ws(port);
    ws.hello(token("porteur"));
    const auto ws_id = new_id();
    ws.send({{"type", "command"},
             {"id", ws_id},
             {"grappe", grappe_},
             {"name", "PostComment"},
             {"payload", {{"text", "par WebSocket"}}}});
    auto refused = ws_answer(ws, ws_id);
    EXPECT_EQ(refused["type"], "rejected") << refused.dump();
    EXPECT_EQ(refused["code"], "unavailable") << refused.dump();
    unavailable_.push_back(ws_id);
    auto state = get(port, "/api/grappes/" + grappe_, token("porteur"));
    ASSERT_EQ(state.status, 200);
    EXPECT_EQ(state.body["version"], last_version);
    ws.send({{"type", "subscribe"}, {"grappe", grappe_}});
    EXPECT_EQ(ws.read_until("snapshot")["version"], last_version);
    ws.send({{"type", "presence"}, {"grappe", grappe_}, {"status", "editing"}});
    EXPECT_TRUE(sees_editing(watcher));

    fs::remove(filler);
    health = wait_health(port, 200);
    ASSERT_EQ(health.status, 200) << health.text;
    EXPECT_EQ(health.body["status"], "ok");
    EXPECT_NE(get(port, "/metrics").text.find("grappe_store_degraded 0"), std::string::npos);

    // Refused commands were not recorded: sent again, they are decided now.
    for (const auto& id : unavailable_) {
      if (id == ws_id) continue;
      auto again = comment(port, id);
      ASSERT_EQ(again.status, 200) << again.text;
      acked_[id] = again.body["version"].get<std::uint64_t>();
    }
    for (int i = 0; i < 3; ++i) {
      auto id = new_id();
      auto a = comment(port, id);
      ASSERT_EQ(a.status, 200) << a.text;
      acked_[id] = a.body["version"].get<std::uint64_t>();
    }
    // The subscription opened before the disk filled up saw every acknowledged version.
    std::vector<std::uint64_t> expected;
    for (auto v = watched_from + 1; v <= acked_.size(); ++v) expected.push_back(v);
    EXPECT_EQ(event_versions(watcher, acked_.size()), expected);
    EXPECT_EQ(server.terminate(), 0);
  }

  // After a restart: every acknowledged command at its version, and nothing else.
  Server server({"--no-demo"}, data);
  auto events = get(server.port(), "/api/grappes/" + grappe_ + "/events?fromVersion=0&limit=500",
                    token("porteur"));
  ASSERT_EQ(events.status, 200) << events.text;
  std::map<std::string, std::uint64_t> logged;
  std::uint64_t version = 0;
  for (const auto& e : events.body["events"]) {
    EXPECT_EQ(e["version"], ++version);
    EXPECT_TRUE(logged.emplace(e["commandId"].get<std::string>(), version).second)
        << "command " << e["commandId"] << " appears twice";
  }
  EXPECT_EQ(logged, acked_);
  auto verify = get(server.port(), "/api/audit/verify", token("auditor"));
  EXPECT_EQ(verify.body["ok"], true) << verify.text;
}

}  // namespace
}  // namespace grappe::test
