// Read models beside the log: atomic writes with their checkpoint, replace, snapshots, names.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::request;
using Keys = std::map<std::string, std::string>;

class ProjectionTest : public ::testing::Test {
 protected:
  // Loads `name` into a map; the checkpoint goes to `checkpoint`.
  Keys load(const std::string& name, std::optional<ProjectionCheckpoint>* checkpoint = nullptr) {
    Keys keys;
    std::string last;
    auto r = store_->load_projection(name, [&](std::string_view k, std::string_view v) {
      EXPECT_TRUE(keys.empty() || std::string(k) > last) << "keys out of order";
      last = k;
      keys.emplace(k, v);
    });
    EXPECT_TRUE(r) << r.error().message;
    if (checkpoint && r) *checkpoint = *r;
    return keys;
  }

  void write(ProjectionWrite w) {
    auto r = store_->write_projection(w);
    ASSERT_TRUE(r) << r.error().message;
  }

  test::TempDir dir_{"projection"};
  std::unique_ptr<Store> store_ = test::open_store(dir_.path());
};

TEST_F(ProjectionTest, WriteStoresKeysWithTheirCheckpoint) {
  write({"grappes", false, {{"b", "2"}, {"a", "1"}, {std::string("\0z", 2), "0"}}, {}, 42, "v1"});
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_EQ(load("grappes", &cp), (Keys{{"a", "1"}, {"b", "2"}, {std::string("\0z", 2), "0"}}));
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->position, 42u);
  EXPECT_EQ(cp->info, "v1");
  auto only = store_->projection_checkpoint("grappes");
  ASSERT_TRUE(only && *only);
  EXPECT_EQ((*only)->position, 42u);
  EXPECT_EQ((*only)->info, "v1");
}

TEST_F(ProjectionTest, DeletesAndPutsApplyTogether) {
  write({"p", false, {{"a", "1"}, {"b", "2"}}, {}, 1, ""});
  write({"p", false, {{"c", "3"}, {"a", "9"}}, {"b"}, 2, ""});
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_EQ(load("p", &cp), (Keys{{"a", "9"}, {"c", "3"}}));
  EXPECT_EQ(cp->position, 2u);
}

TEST_F(ProjectionTest, ReplaceDropsOnlyThatProjectionsOldKeys) {
  write({"p", false, {{"a", "1"}, {"b", "2"}}, {}, 5, "old"});
  write({"p.x", false, {{"a", "x"}}, {}, 6, ""});
  write({"p-1", false, {{"a", "y"}}, {}, 7, ""});
  write({"p", true, {{"c", "3"}}, {}, 8, "new"});
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_EQ(load("p", &cp), (Keys{{"c", "3"}}));
  EXPECT_EQ(cp->position, 8u);
  EXPECT_EQ(cp->info, "new");
  EXPECT_EQ(load("p.x"), (Keys{{"a", "x"}}));
  EXPECT_EQ(load("p-1"), (Keys{{"a", "y"}}));
}

TEST_F(ProjectionTest, LoadSeesOneSnapshot) {
  write({"p", false, {{"a", "1"}, {"b", "2"}, {"c", "3"}}, {}, 10, "first"});
  Keys seen;
  auto cp = store_->load_projection("p", [&](std::string_view k, std::string_view v) {
    if (seen.empty()) {
      auto w = store_->write_projection({"p", true, {{"z", "26"}}, {}, 11, "second"});
      EXPECT_TRUE(w);
    }
    seen.emplace(k, v);
  });
  ASSERT_TRUE(cp && *cp);
  EXPECT_EQ((*cp)->position, 10u);
  EXPECT_EQ((*cp)->info, "first");
  EXPECT_EQ(seen, (Keys{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(load("p"), (Keys{{"z", "26"}}));
}

TEST_F(ProjectionTest, NeverWrittenHasNoCheckpoint) {
  std::optional<ProjectionCheckpoint> cp{ProjectionCheckpoint{}};
  EXPECT_TRUE(load("nothing", &cp).empty());
  EXPECT_FALSE(cp);
  auto only = store_->projection_checkpoint("nothing");
  ASSERT_TRUE(only);
  EXPECT_FALSE(*only);
}

TEST_F(ProjectionTest, DropRemovesKeysAndCheckpoint) {
  write({"p", false, {{"a", "1"}}, {}, 3, ""});
  write({"q", false, {{"a", "2"}}, {}, 4, ""});
  ASSERT_TRUE(store_->drop_projection("p"));
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_TRUE(load("p", &cp).empty());
  EXPECT_FALSE(cp);
  EXPECT_EQ(load("q"), (Keys{{"a", "2"}}));
}

TEST_F(ProjectionTest, ReopenKeepsData) {
  write({"p", false, {{"a", "1"}}, {}, 3, "info"});
  store_.reset();
  store_ = test::open_store(dir_.path());
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_EQ(load("p", &cp), (Keys{{"a", "1"}}));
  EXPECT_EQ(cp->position, 3u);
  EXPECT_EQ(cp->info, "info");
}

TEST_F(ProjectionTest, InvalidNamesAreRefused) {
  for (std::string name : {std::string(), std::string("Grappes"), std::string("a/b"),
                           std::string("a b"), std::string("a\0b", 3), std::string(65, 'a')}) {
    auto w = store_->write_projection({name, false, {{"a", "1"}}, {}, 1, ""});
    ASSERT_FALSE(w) << name;
    EXPECT_EQ(w.error().code, StoreErrc::kInvalidArgument);
    auto l = store_->load_projection(name, [](std::string_view, std::string_view) {});
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().code, StoreErrc::kInvalidArgument);
    EXPECT_FALSE(store_->projection_checkpoint(name));
    EXPECT_FALSE(store_->drop_projection(name));
  }
  EXPECT_TRUE(store_->write_projection({std::string(64, 'a'), false, {}, {}, 1, ""}));
  EXPECT_TRUE(store_->write_projection({"a-z_0.9", false, {}, {}, 1, ""}));
}

// A store made before the `projections` column family existed.
TEST(ProjectionUpgrade, StoreWithoutTheColumnFamilyOpens) {
  test::TempDir dir("projection-upgrade");
  {
    auto store = test::open_store(dir.path());
    ASSERT_TRUE(store->append_sync(request("s", 0, {event("E", 1), event("E", 2)})));
  }
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path().string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open({}, dir.path().string(), cfs, &handles, &db).ok());
    for (auto* h : handles) {
      if (h->GetName() == "projections") {
        ASSERT_TRUE(db->DropColumnFamily(h).ok());
      }
      db->DestroyColumnFamilyHandle(h);
    }
    delete db;
    names.clear();
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path().string(), &names).ok());
    ASSERT_EQ(std::count(names.begin(), names.end(), "projections"), 0);
  }
  auto store = test::open_store(dir.path());
  EXPECT_EQ(store->last_position(), 2u);
  EXPECT_TRUE(store->verify().ok);
  ASSERT_TRUE(store->write_projection({"p", false, {{"a", "1"}}, {}, 2, ""}));
  auto cp = store->projection_checkpoint("p");
  ASSERT_TRUE(cp && *cp);
  EXPECT_EQ((*cp)->position, 2u);
}

// Writes of 8 MiB and more go through an ingested SST file instead of a write batch: the same
// results, including a replace, a key put twice, other projections untouched and a reopen.
TEST_F(ProjectionTest, BulkWritesGiveTheSameResultsAsBatches) {
  write({"p", false, {{"old", "x"}, {"k0001", "small"}}, {}, 1, "v1"});
  write({"q", false, {{"a", "1"}}, {}, 1, ""});
  ProjectionWrite bulk{"p", true, {}, {}, 500, "v2"};
  Keys expected;
  const std::string big(64 * 1024, 'v');
  for (int i = 200; i >= 1; --i) {  // out of order on purpose
    char key[16];
    std::snprintf(key, sizeof key, "k%04d", i);
    bulk.puts.emplace_back(key, big + std::to_string(i));
    expected[key] = big + std::to_string(i);
  }
  bulk.puts.emplace_back("k0007", "last put wins");
  expected["k0007"] = "last put wins";
  write(bulk);
  std::optional<ProjectionCheckpoint> cp;
  EXPECT_EQ(load("p", &cp), expected);  // "old" is gone: replaced
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->position, 500u);
  EXPECT_EQ(cp->info, "v2");
  EXPECT_EQ(load("q"), (Keys{{"a", "1"}}));
  // A bulk upsert over existing keys, then a small write on top of it.
  ProjectionWrite upsert{"p", false, {}, {}, 600, "v2"};
  for (int i = 1; i <= 150; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%04d", i * 2);
    upsert.puts.emplace_back(key, big);
    expected[key] = big;
  }
  write(upsert);
  write({"p", false, {{"k0001", "after"}}, {"k0003"}, 601, "v2"});
  expected["k0001"] = "after";
  expected.erase("k0003");
  store_.reset();
  // As if a crash had interrupted a bulk write: its file is removed at the next open.
  std::filesystem::create_directories(dir_.path() / "ingest");
  std::ofstream(dir_.path() / "ingest" / "p-1-0.sst") << "partial";
  store_ = test::open_store(dir_.path());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "ingest" / "p-1-0.sst"));
  EXPECT_EQ(load("p", &cp), expected);
  EXPECT_EQ(cp->position, 601u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "ingest") &&
               !std::filesystem::is_empty(dir_.path() / "ingest"))
      << "an ingested file was left behind";
}

}  // namespace
}  // namespace grappe::es
