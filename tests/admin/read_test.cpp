// grappe-admin history, replay, --help, and read commands on missing folders.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "admin_fixture.h"
#include "grappe/domain/state.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;
namespace d = grappe::domain;
using nlohmann::json;
using test::admin;

class ReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::sample_store(data_);
    auto page =
        store->read_stream(d::grappe_stream(test::kGrappeA), 0, 100, es::Direction::kForward);
    ASSERT_TRUE(page);
    stream_a_ = *page;
  }
  std::vector<std::string> with_data(std::vector<std::string> args) const {
    args.push_back("--data");
    args.push_back(data_.string());
    return args;
  }
  // The domain's fold of grappe A's first `version` events.
  json fold(std::uint64_t version) const {
    d::GrappeState state;
    for (const auto& r : stream_a_) {
      if (r.version > version) break;
      auto event = d::decode(r.type, json::parse(r.data));
      EXPECT_TRUE(event) << r.type;
      state = d::evolve(
          std::move(state), *event,
          d::EventMeta{r.version, d::format_timestamp(r.timestamp), r.actor.id, r.actor.name});
    }
    return d::to_json(state);
  }

  test::TempDir work_{"read"};
  fs::path data_ = work_.path / "data";
  std::vector<es::Record> stream_a_;
};

std::vector<json> lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST_F(ReadTest, HistoryListsTheGrappesEventsWithTheEndpointsFields) {
  auto r = admin(with_data({"history", "--grappe", test::kGrappeA}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto events = lines(r.out);
  ASSERT_EQ(events.size(), stream_a_.size());
  ASSERT_EQ(events.size(), 8u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const auto& rec = stream_a_[i];
    EXPECT_EQ(e["version"], rec.version);
    EXPECT_EQ(e["position"], rec.position);
    EXPECT_EQ(e["type"], rec.type);
    EXPECT_EQ(e["data"], json::parse(rec.data));
    EXPECT_EQ(e["actor"], (json{{"id", rec.actor.id}, {"name", rec.actor.name}}));
    EXPECT_EQ(e["at"], d::format_timestamp(rec.timestamp));
    EXPECT_EQ(e["commandId"], rec.command_id);
    EXPECT_EQ(e["hash"], rec.hash);
    EXPECT_EQ(e["id"], rec.id);
  }
  EXPECT_EQ(events[2]["type"], "InvitationAccepted");
  EXPECT_EQ(events[2]["at"], "2026-11-23T00:02:00.123Z");
}

TEST_F(ReadTest, ReplayAtEveryVersionIsTheDomainsFold) {
  for (std::uint64_t v = 1; v <= stream_a_.size(); ++v) {
    auto r =
        admin(with_data({"replay", "--grappe", test::kGrappeA, "--version", std::to_string(v)}));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), fold(v)) << "version " << v;
  }
  auto latest = admin(with_data({"replay", "--grappe", test::kGrappeA}));
  EXPECT_EQ(json::parse(latest.out), fold(stream_a_.size()));
  EXPECT_EQ(json::parse(latest.out)["name"], "Grappe Gironde 2");
}

TEST_F(ReadTest, ReplayAtAMomentFoldsTheEventsUpToIt) {
  // Grappe A's events 1-3 are at minutes 0-2; event 4 at minute 4.
  auto r = admin(with_data({"replay", "--grappe", test::kGrappeA, "--at", "2026-11-23T00:03:30Z"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), fold(3));
  EXPECT_EQ(json::parse(r.out)["counts"]["accepted"], 1);
  auto exact =
      admin(with_data({"replay", "--grappe", test::kGrappeA, "--at", "2026-11-23T00:02:00.123Z"}));
  EXPECT_EQ(json::parse(exact.out), fold(3));
}

TEST_F(ReadTest, ReplayBeforeTheGrappeExistedOrOfAnUnknownGrappeExitsOne) {
  auto before = admin(with_data({"replay", "--grappe", test::kGrappeA, "--version", "0"}));
  EXPECT_EQ(before.status, 1);
  EXPECT_NE(before.err.find("did not exist then"), std::string::npos);
  auto earlier =
      admin(with_data({"replay", "--grappe", test::kGrappeA, "--at", "2020-01-01T00:00:00Z"}));
  EXPECT_EQ(earlier.status, 1);
  auto unknown = admin(with_data({"replay", "--grappe", "nope"}));
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("no grappe nope"), std::string::npos) << unknown.err;
  EXPECT_EQ(admin(with_data({"history", "--grappe", "nope"})).status, 1);
}

TEST_F(ReadTest, BadOptionsAreUsageErrors) {
  EXPECT_EQ(admin(with_data({"replay", "--grappe", test::kGrappeA, "--at", "yesterday"})).status,
            2);
  EXPECT_EQ(admin(with_data({"replay", "--grappe", test::kGrappeA, "--version", "2", "--at",
                             "2026-11-23T00:03:30Z"}))
                .status,
            2);
  EXPECT_EQ(admin(with_data({"history"})).status, 2);
  EXPECT_EQ(admin({}).status, 2);
  EXPECT_EQ(admin({"frobnicate"}).status, 2);
}

TEST_F(ReadTest, ReadCommandsNeverCreateAFolder) {
  auto missing = work_.path / "missing";
  for (const char* command : {"verify", "export"}) {
    auto r = admin({command, "--data", missing.string()});
    EXPECT_EQ(r.status, 2) << command;
    EXPECT_NE(r.err.find("no data folder"), std::string::npos) << r.err;
  }
  EXPECT_EQ(admin({"history", "--grappe", "x", "--data", missing.string()}).status, 2);
  EXPECT_EQ(admin({"replay", "--grappe", "x", "--data", missing.string()}).status, 2);
  EXPECT_EQ(
      admin({"backup", "--to", (work_.path / "b").string(), "--data", missing.string()}).status, 2);
  EXPECT_FALSE(fs::exists(missing));
  fs::create_directories(missing);
  EXPECT_EQ(admin({"verify", "--data", missing.string()}).status, 2);
  EXPECT_TRUE(fs::is_empty(missing));
}

TEST(AdminHelp, EverySubcommandHasHelp) {
  auto top = admin({"--help"});
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.out.find("Exit status"), std::string::npos);
  for (const char* command :
       {"verify", "history", "replay", "export", "import", "backup", "restore"}) {
    auto r = admin({command, "--help"});
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
    EXPECT_NE(r.out.find("--data"), std::string::npos) << command << r.out;
    EXPECT_NE(r.out.find("Exit status"), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace grappe::admin
