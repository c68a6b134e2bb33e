// Durability and integrity: kill -9, a second process, records altered on disk.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>

#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::request;

class DurabilityTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"durability"};
};

// Opens the store's RocksDB directly (as an attacker with disk access would) and runs `edit` on
// the `log` column family.
void edit_log(const std::filesystem::path& dir,
              const std::function<void(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), cfs, &handles, &db).ok());
  auto log = std::find(names.begin(), names.end(), "log");
  ASSERT_NE(log, names.end());
  edit(*db, handles[log - names.begin()]);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

std::string key(std::uint64_t position) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; ++i) k[7 - i] = static_cast<char>((position >> (8 * i)) & 0xff);
  return k;
}

void fill(const std::filesystem::path& dir, int n) {
  auto store = test::open_store(dir);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(store->append_sync(request("s", i, {event("E", i)})));
  }
}

TEST_F(DurabilityTest, VerifyNamesTheAlteredRecord) {
  fill(dir_.path(), 20);
  edit_log(dir_.path(), [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* log) {
    std::string v;
    ASSERT_TRUE(db.Get({}, log, key(13), &v).ok());
    auto at = v.find("\"n\":12");
    ASSERT_NE(at, std::string::npos);
    v[at + 5] = '9';  // the data now says 19: same length, still JSON
    ASSERT_TRUE(db.Put({}, log, key(13), v).ok());
  });
  auto store = test::open_store(dir_.path());
  auto v = store->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_position, 13u);
  EXPECT_EQ(v.events, 12u);
  EXPECT_FALSE(v.problem.empty());
}

TEST_F(DurabilityTest, VerifyNamesAMissingPosition) {
  fill(dir_.path(), 10);
  edit_log(dir_.path(), [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* log) {
    ASSERT_TRUE(db.Delete({}, log, key(4)).ok());
  });
  auto v = test::open_store(dir_.path())->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_position, 4u);
}

TEST_F(DurabilityTest, VerifyNamesATruncatedEnd) {
  fill(dir_.path(), 10);
  edit_log(dir_.path(), [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* log) {
    ASSERT_TRUE(db.Delete({}, log, key(10)).ok());
  });
  auto v = test::open_store(dir_.path())->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_position, 10u);
}

TEST_F(DurabilityTest, SecondProcessGetsLockedNamingTheFolder) {
  test::Helper holder({"hold", dir_.path().string()});
  std::string line;
  ASSERT_TRUE(holder.read_line(line, 10000));
  ASSERT_EQ(line, "open");
  auto second = Store::open(dir_.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, StoreErrc::kLocked);
  EXPECT_NE(second.error().message.find(dir_.path().string()), std::string::npos);
  EXPECT_NE(second.error().message.find("in use by another process"), std::string::npos);
  holder.close_stdin();
  EXPECT_EQ(holder.wait(), 0);
  EXPECT_TRUE(Store::open(dir_.path()));
}

TEST_F(DurabilityTest, NotAStoreIsCorrupt) {
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_.path().string(), &db).ok());
    rocksdb::ColumnFamilyHandle* h = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily({}, "other", &h).ok());
    db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  auto s = Store::open(dir_.path());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, StoreErrc::kCorrupt);
}

TEST_F(DurabilityTest, MissingFolderWithoutCreateFails) {
  StoreOptions o;
  o.create_if_missing = false;
  EXPECT_FALSE(Store::open(dir_.path() / "absent", o));
}

// One round: a child appends from 8 threads and reports acknowledgements; it is killed after a
// random number of them. Returns the acknowledged position → event id.
std::map<std::uint64_t, std::string> crash_round(const std::filesystem::path& dir,
                                                 std::mt19937& rng) {
  std::map<std::uint64_t, std::string> acked;
  test::Helper child({"append", dir.string(), "8"});
  std::size_t kill_after = std::uniform_int_distribution<std::size_t>(1, 1000)(rng);
  std::string line;
  while (acked.size() < kill_after && child.read_line(line, 10000)) {
    std::istringstream in(line);
    std::string word, id;
    std::uint64_t position = 0;
    if (in >> word >> position >> id && word == "ack") acked[position] = id;
  }
  child.kill_now();
  return acked;
}

TEST_F(DurabilityTest, KillNineKeepsEveryAcknowledgedEventAndTheChain) {
  std::mt19937 rng(std::random_device{}());
  std::map<std::uint64_t, std::string> acked;
  for (int round = 0; round < 20; ++round) {
    auto got = crash_round(dir_.path(), rng);
    ASSERT_FALSE(got.empty()) << "round " << round << ": the child acknowledged nothing";
    acked.insert(got.begin(), got.end());
    auto store = test::open_store(dir_.path());
    auto all = test::read_everything(*store);
    ASSERT_EQ(store->last_position(), all.size());
    for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].position, i + 1) << "hole";
    for (const auto& [position, id] : acked) {
      ASSERT_LE(position, all.size()) << "acknowledged event lost";
      ASSERT_EQ(all[position - 1].id, id);
    }
    auto v = store->verify();
    ASSERT_TRUE(v.ok) << "round " << round << ": " << v.problem;
  }
}

}  // namespace
}  // namespace grappe::es
