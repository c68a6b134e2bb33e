// Read models kept with their checkpoints: restarts, crashes, code changes, online rebuilds.
#include "grappe/projections/read_models.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "grappe/domain/state.h"
#include "grappe/domain/streams.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace grappe::projections {
namespace {

using nlohmann::json;

using test::TempDir;
using test::wait_until;
using namespace std::chrono_literals;

es::NewEvent new_event(const domain::Event& e) {
  return es::NewEvent{"", std::string(domain::type_name(e)), domain::encode(e).dump(),
                      es::Actor{"u1", "Marie"}};
}

// Writes a realistic history through the store, as the server would.
class Log {
 public:
  explicit Log(es::Store& store) : store_(store) {}

  void append(std::vector<es::AppendPart> parts) {
    auto r = store_.append_sync(es::AppendRequest{"", std::move(parts), "", std::nullopt});
    ASSERT_TRUE(r) << r.error().message;
  }
  void part(std::vector<es::AppendPart>& parts, const std::string& stream, const domain::Event& e) {
    parts.push_back(es::AppendPart{stream, std::nullopt, {new_event(e)}});
  }
  void create(const std::string& id) {
    std::vector<es::AppendPart> parts;
    part(parts, domain::grappe_stream(id),
         domain::GrappeCreated{id, "Grappe " + id, "default", "75", "330001009", "", std::nullopt,
                               15});
    append(std::move(parts));
  }
  void invite_accept(const std::string& grappe, int n) {
    const std::string finess = "33" + std::to_string(1000000 + n);
    std::vector<es::AppendPart> parts;
    part(parts, domain::grappe_stream(grappe),
         domain::EstablishmentInvited{finess, "330001009", "ET " + finess, "500", "33", ""});
    append(std::move(parts));
    parts.clear();
    part(parts, domain::grappe_stream(grappe), domain::InvitationAccepted{finess});
    part(parts, domain::esms_stream(finess), domain::MembershipRecorded{grappe, "default"});
    append(std::move(parts));
  }
  void comment(const std::string& grappe, const std::string& text) {
    std::vector<es::AppendPart> parts;
    part(parts, domain::grappe_stream(grappe), domain::CommentPosted{text});
    append(std::move(parts));
  }
  void user(const std::string& id, const std::string& hash) {
    std::vector<es::AppendPart> parts;
    part(parts, std::string(domain::users_stream),
         domain::UserSaved{domain::User{id, "User " + id, domain::Role::kAuditor, {}, {}}, hash});
    append(std::move(parts));
  }
  void history(int grappes, int members) {
    user("auditor", "hash-a");
    for (int g = 0; g < grappes; ++g) create("g" + std::to_string(g));
    for (int g = 0; g < grappes; ++g) {
      for (int m = 0; m < members; ++m) invite_accept("g" + std::to_string(g), g * 100 + m);
      comment("g" + std::to_string(g), "Bonjour");
    }
  }

 private:
  es::Store& store_;
};

// Everything the read models answer, as JSON, for equality checks.
json snapshot(const ReadModels& m) {
  json out{{"grappes", json::array()}, {"esms", json::object()}, {"users", json::array()}};
  for (const auto& g : m.grappes([](const auto&) { return true; }))
    out["grappes"].push_back(to_json(g));
  m.for_each_esms([&](const std::string& f, const domain::EsmsState& s) {
    out["esms"][f] = domain::to_json(s);
    out["esms"][f]["version"] = s.version;
  });
  for (const auto& u : m.users()) out["users"].push_back(domain::to_json(u));
  out["auditor"] = m.user_by_token_hash("hash-a").has_value();
  return out;
}

std::unique_ptr<es::Store> open(const std::filesystem::path& dir) {
  auto s = es::Store::open(dir);
  EXPECT_TRUE(s) << s.error().message;
  return std::move(*s);
}

// A fresh fold of the whole log, in memory.
json offline_fold(es::Store& store) {
  ReadModels fresh;
  EXPECT_TRUE(fresh.catch_up(store, {}));
  return snapshot(fresh);
}

TEST(ReadModels, RestartResumesFromCheckpointsWithoutReplay) {
  TempDir dir;
  json before;
  {
    auto store = open(dir.path);
    Log(*store).history(5, 4);
    ReadModels m;
    ASSERT_TRUE(m.load(*store));
    auto folded = m.catch_up(*store, {});
    ASSERT_TRUE(folded);
    EXPECT_EQ(*folded, store->last_position());
    before = snapshot(m);
  }
  auto store = open(dir.path);
  ReadModels m;
  ASSERT_TRUE(m.load(*store));
  EXPECT_EQ(m.position(), store->last_position());
  auto folded = m.catch_up(*store, {});
  ASSERT_TRUE(folded);
  EXPECT_EQ(*folded, 0u);  // nothing replayed
  EXPECT_EQ(m.applied(), 0u);
  EXPECT_EQ(snapshot(m), before);
  EXPECT_EQ(snapshot(m)["grappes"].size(), 5u);
}

TEST(ReadModels, ChangesNotSavedBeforeACrashAreFoldedAgain) {
  TempDir dir;
  auto store = open(dir.path);
  Log log(*store);
  log.history(3, 3);
  std::uint64_t saved_at;
  {
    ReadModels m;  // the "crashed" server: folds live records, dies before saving them
    ASSERT_TRUE(m.load(*store));
    ASSERT_TRUE(m.catch_up(*store, {}));
    saved_at = m.position();
    log.comment("g1", "après le point de reprise");
    log.invite_accept("g2", 999);
    auto unsaved = store->read_all(saved_at, 100);
    ASSERT_TRUE(unsaved);
    for (const auto& r : *unsaved) m.apply(r);
    EXPECT_EQ(m.position(), store->last_position());
  }
  ReadModels m;
  ASSERT_TRUE(m.load(*store));
  EXPECT_EQ(m.position(), saved_at);  // data and checkpoint from the same batch
  auto folded = m.catch_up(*store, {});
  ASSERT_TRUE(folded);
  EXPECT_EQ(*folded, store->last_position() - saved_at);
  EXPECT_EQ(snapshot(m), offline_fold(*store));
}

TEST(ReadModels, ProjectionOfAnotherCodeVersionIsRebuiltAtStart) {
  TempDir dir;
  auto store = open(dir.path);
  Log(*store).history(2, 2);
  {
    ReadModels m;
    ASSERT_TRUE(m.catch_up(*store, {}));
  }
  // As if an older server had saved "grappes": other version, wrong data.
  es::ProjectionWrite old{"grappes", true, {{"g0", "pas du CBOR"}}, {}, 1, "grappes/0"};
  ASSERT_TRUE(store->write_projection(old));
  ReadModels m;
  ASSERT_TRUE(m.load(*store));
  EXPECT_EQ(m.status()[0].position, 0u);
  EXPECT_EQ(m.status()[1].position, store->last_position());
  auto folded = m.catch_up(*store, {});
  ASSERT_TRUE(folded);
  EXPECT_EQ(*folded, store->last_position());  // read once, for grappes only
  EXPECT_EQ(snapshot(m), offline_fold(*store));
  auto checkpoint = store->projection_checkpoint("grappes");
  ASSERT_TRUE(checkpoint && *checkpoint);
  EXPECT_EQ((*checkpoint)->info, "grappes/2");
}

TEST(ReadModels, DataThatDoesNotReadBackIsRebuiltAtStart) {
  TempDir dir;
  auto store = open(dir.path);
  Log(*store).history(2, 2);
  {
    ReadModels m;
    ASSERT_TRUE(m.catch_up(*store, {}));
  }
  es::ProjectionWrite damage{
      "establishments",  false, {{"331000000", "\x01\x02"}}, {}, store->last_position(),
      "establishments/2"};
  ASSERT_TRUE(store->write_projection(damage));
  ReadModels m;
  ASSERT_TRUE(m.load(*store));
  EXPECT_EQ(m.status()[1].position, 0u);
  ASSERT_TRUE(m.catch_up(*store, {}));
  EXPECT_EQ(snapshot(m), offline_fold(*store));
}

TEST(ReadModels, ResetThenCatchUpRebuildsOneProjectionOffline) {
  TempDir dir;
  auto store = open(dir.path);
  Log(*store).history(3, 2);
  ReadModels m;
  ASSERT_TRUE(m.catch_up(*store, {}));
  auto before = snapshot(m);
  ASSERT_TRUE(m.reset(*store, "establishments"));
  EXPECT_EQ(m.esms("331000000").version, 0u);
  ASSERT_TRUE(m.catch_up(*store, {}));
  EXPECT_EQ(snapshot(m), before);
  ReadModels reloaded;
  ASSERT_TRUE(reloaded.load(*store));
  EXPECT_EQ(snapshot(reloaded), before);
}

TEST(ReadModels, OnlineRebuildUnderConcurrentAppendsEqualsAnOfflineRebuild) {
  TempDir dir;
  auto store = open(dir.path);
  Log log(*store);
  log.history(20, 10);
  ReadModels m;
  ASSERT_TRUE(m.load(*store));
  ASSERT_TRUE(m.catch_up(*store, {}));
  // The live fold, as the server's projector does it.
  es::SubscriptionHandler handler;
  handler.on_event = [&](const es::Record& r) { m.apply(r); };
  auto sub = store->subscribe_all(m.position(), std::move(handler));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    Log w(*store);
    for (int i = 0; i < 3000 && !stop; ++i) {
      if (i % 3 == 0) {
        w.invite_accept("g" + std::to_string(i % 20), 5000 + i);
      } else {
        w.comment("g" + std::to_string(i % 20), "message " + std::to_string(i));
      }
      ++written;
    }
  });
  std::thread flusher([&] {
    // A flush after every 10 commands written, under the appends and the rebuilds.
    for (int flushes = 0, last = 0; !stop && flushes < 1000; ++flushes) {
      wait_until([&] { return stop || written >= last + 10; }, 30s, 1ms);
      last = written;
      EXPECT_TRUE(m.flush(*store));
    }
  });
  // A failed ASSERT below returns at once: the threads are stopped and joined, not left joinable.
  struct JoinOnExit {
    std::atomic<bool>& stop;
    std::thread& a;
    std::thread& b;
    ~JoinOnExit() {
      stop = true;
      if (a.joinable()) a.join();
      if (b.joinable()) b.join();
    }
  } join_on_exit{stop, writer, flusher};
  EXPECT_TRUE(wait_until([&] { return written >= 200; }, 30s, 1ms));
  for (auto name : ReadModels::kNames) {
    auto done = m.rebuild(*store, name);
    ASSERT_TRUE(done) << done.error();
    EXPECT_FALSE(m.rebuild(*store, "nope"));
  }
  EXPECT_LT(written, 3000) << "the rebuilds did not overlap the appends";
  stop = true;
  writer.join();
  flusher.join();
  wait_until([&] { return m.position() >= store->last_position(); }, 20s, 5ms);
  sub->cancel();
  ASSERT_EQ(m.position(), store->last_position());
  for (const auto& s : m.status()) EXPECT_FALSE(s.rebuilding);
  auto live = snapshot(m);
  EXPECT_EQ(live, offline_fold(*store));
  // And what was saved reads back the same.
  ASSERT_TRUE(m.flush(*store));
  ReadModels reloaded;
  ASSERT_TRUE(reloaded.load(*store));
  EXPECT_EQ(reloaded.position(), store->last_position());
  EXPECT_EQ(snapshot(reloaded), live);
}

TEST(ReadModels, WhatAnOnlineRebuildSavesReadsBackAtTheNextStart) {
  TempDir dir;
  auto store = open(dir.path);
  Log(*store).history(4, 3);
  json before;
  {
    ReadModels m;
    ASSERT_TRUE(m.load(*store));
    ASSERT_TRUE(m.catch_up(*store, {}));
    for (auto name : ReadModels::kNames) ASSERT_TRUE(m.rebuild(*store, name));
    before = snapshot(m);
  }
  ReadModels reloaded;
  ASSERT_TRUE(reloaded.load(*store));
  for (const auto& s : reloaded.status()) EXPECT_EQ(s.position, store->last_position()) << s.name;
  auto folded = reloaded.catch_up(*store, {});
  ASSERT_TRUE(folded);
  EXPECT_EQ(*folded, 0u);
  EXPECT_EQ(snapshot(reloaded), before);
}

TEST(ReadModels, AClaimedRebuildShowsAtOnceAndCannotBeClaimedTwice) {
  TempDir dir;
  auto store = open(dir.path);
  Log(*store).history(2, 2);
  ReadModels m;
  ASSERT_TRUE(m.catch_up(*store, {}));
  EXPECT_FALSE(m.claim_rebuild("nope"));
  ASSERT_TRUE(m.claim_rebuild("grappes"));
  EXPECT_TRUE(m.status()[0].rebuilding);
  EXPECT_FALSE(m.claim_rebuild("grappes"));
  EXPECT_FALSE(m.rebuild(*store, "grappes"));  // unclaimed: refused while the claim runs
  ASSERT_TRUE(m.rebuild(*store, "grappes", true));
  EXPECT_FALSE(m.status()[0].rebuilding);
  EXPECT_TRUE(m.claim_rebuild("grappes"));
}

}  // namespace
}  // namespace grappe::projections
