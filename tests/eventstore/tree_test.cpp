// The log's Merkle tree: proofs against a naive recomputation of RFC 9162 §2.1, tiles, the
// upgrade of a folder without a tree, and verify() catching an altered tree or checkpoint.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <random>

#include "merkle.h"
#include "test_util.h"

namespace grappe::es {
namespace {

using detail::leaf_hash;
using detail::node_hash;
using test::event;
using test::request;

// RFC 9162 §2.1 as written: MTH by recursion over the leaf list, memoised per range.
class Naive {
 public:
  explicit Naive(const std::vector<std::string>& leaves) : leaves_(leaves) {}

  std::string mth(std::uint64_t a, std::uint64_t b) {
    if (b - a == 1) return leaves_[a];
    auto [it, fresh] = memo_.try_emplace({a, b});
    if (fresh) {
      std::uint64_t k = 1;
      while (k * 2 < b - a) k *= 2;
      it->second = node_hash(mth(a, a + k), mth(a + k, b));
    }
    return it->second;
  }
  void path(std::uint64_t m, std::uint64_t a, std::uint64_t b, std::vector<std::string>& out) {
    if (b - a <= 1) return;
    std::uint64_t k = 1;
    while (k * 2 < b - a) k *= 2;
    if (m < k) {
      path(m, a, a + k, out);
      out.push_back(mth(a + k, b));
    } else {
      path(m - k, a + k, b, out);
      out.push_back(mth(a, a + k));
    }
  }
  void subproof(std::uint64_t m, std::uint64_t a, std::uint64_t b, bool whole,
                std::vector<std::string>& out) {
    if (m == b - a) {
      if (!whole) out.push_back(mth(a, b));
      return;
    }
    std::uint64_t k = 1;
    while (k * 2 < b - a) k *= 2;
    if (m <= k) {
      subproof(m, a, a + k, whole, out);
      out.push_back(mth(a + k, b));
    } else {
      subproof(m - k, a + k, b, false, out);
      out.push_back(mth(a, a + k));
    }
  }

 private:
  const std::vector<std::string>& leaves_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> memo_;
};

std::string leaf_of(std::uint64_t i) {
  return leaf_hash("record " + std::to_string(i));
}

TEST(MerkleTest, ProofsOfEverySizeMatchTheRfcRecursion) {
  constexpr std::uint64_t kMax = 1100;
  std::map<std::pair<unsigned, std::uint64_t>, std::string> stored;
  detail::TreeEdge edge;
  std::vector<std::string> leaves;
  detail::HashReader read = [&](unsigned h,
                                std::uint64_t i) -> std::expected<std::string, StoreError> {
    return stored.at({h, i});
  };
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    leaves.push_back(leaf_of(n - 1));
    edge.append(leaves.back(), [&](unsigned h, std::uint64_t i, const std::string& x) {
      ASSERT_TRUE(stored.emplace(std::make_pair(h, i), x).second);
    });
    Naive naive(leaves);
    ASSERT_EQ(edge.root(), naive.mth(0, n)) << n;
    ASSERT_EQ(*detail::range_hash(0, n, read), naive.mth(0, n)) << n;
    ASSERT_EQ(detail::TreeEdge::load(n, read)->root(), naive.mth(0, n)) << n;
    for (std::uint64_t i = 0; i < n; ++i) {
      std::vector<std::string> want;
      naive.path(i, 0, n, want);
      ASSERT_EQ(*detail::inclusion_proof(i, n, read), want) << "leaf " << i << " size " << n;
    }
    if (n > 300) continue;
    for (std::uint64_t m = 1; m <= n; ++m) {
      std::vector<std::string> want;
      if (m < n) naive.subproof(m, 0, n, true, want);
      ASSERT_EQ(*detail::consistency_proof(m, n, read), want) << m << " to " << n;
    }
  }
}

class TreeStoreTest : public ::testing::Test {
 protected:
  // Appends `n` events in batches of random sizes over a few streams; returns the leaf hashes.
  std::vector<std::string> fill(Store& store, int n, std::uint32_t seed = 7) {
    std::mt19937 rng(seed);
    for (int done = 0; done < n;) {
      int batch = std::min(n - done, std::uniform_int_distribution<int>(1, 9)(rng));
      std::vector<NewEvent> events;
      for (int i = 0; i < batch; ++i) events.push_back(event("E", done + i, rng() % 200));
      EXPECT_TRUE(store.append_sync(request("s" + std::to_string(rng() % 4), {}, events)));
      done += batch;
    }
    std::vector<std::string> leaves;
    for (std::uint64_t p = 1; p <= store.last_position(); ++p) {
      leaves.push_back(leaf_hash(*store.record_bytes(p)));
    }
    return leaves;
  }
  // Runs `edit` on the store's raw RocksDB with every column family by name.
  void edit(const std::function<void(rocksdb::DB&,
                                     std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>& fn) {
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.path().string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& name : names) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir_.path().string(), cfs, &handles, &db).ok());
    std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
    for (std::size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
    fn(*db, by_name);
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  test::TempDir dir_{"tree"};
};

TEST_F(TreeStoreTest, StoreProofsMatchTheRfcRecursion) {
  auto store = test::open_store(dir_.path());
  auto leaves = fill(*store, 300);
  Naive naive(leaves);
  for (std::uint64_t n = 1; n <= 300; ++n) {
    ASSERT_EQ(*store->tree_root(n), naive.mth(0, n));
    for (std::uint64_t i = 0; i < n; ++i) {
      std::vector<std::string> want;
      naive.path(i, 0, n, want);
      ASSERT_EQ(*store->inclusion_proof(i, n), want) << i << " in " << n;
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      std::vector<std::string> want;
      if (m < n) naive.subproof(m, 0, n, true, want);
      ASSERT_EQ(*store->consistency_proof(m, n), want) << m << " to " << n;
    }
  }
  EXPECT_EQ(store->inclusion_proof(300, 300).error().code, StoreErrc::kInvalidArgument);
  EXPECT_EQ(store->tree_root(301).error().code, StoreErrc::kInvalidArgument);
  EXPECT_EQ(store->consistency_proof(0, 3).error().code, StoreErrc::kInvalidArgument);
  EXPECT_EQ(store->record_bytes(0).error().code, StoreErrc::kInvalidArgument);
}

TEST_F(TreeStoreTest, TilesHoldTheStoredHashesOfTheirLevel) {
  auto store = test::open_store(dir_.path());
  auto leaves = fill(*store, 600);
  auto full = store->tile(0, 1, 256);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->size(), 256u * 32);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(full->substr(i * 32, 32), leaves[256 + i]);
  auto partial = store->tile(0, 2, 600 - 512);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->substr(0, 32), leaves[512]);
  EXPECT_EQ(store->tile(0, 2, 256).error().code, StoreErrc::kInvalidArgument);
  auto level1 = store->tile(1, 0, 2);  // the roots of leaves 0–255 and 256–511
  ASSERT_TRUE(level1);
  Naive naive(leaves);
  EXPECT_EQ(level1->substr(0, 32), naive.mth(0, 256));
  EXPECT_EQ(level1->substr(32, 32), naive.mth(256, 512));
  EXPECT_FALSE(store->tile(1, 0, 3));
  EXPECT_FALSE(store->tile(0, 0, 0));
  EXPECT_FALSE(store->tile(0, 0, 257));
}

TEST_F(TreeStoreTest, AFolderWithoutTreeGetsOneAtOpenWithProgress) {
  std::string root;
  {
    auto store = test::open_store(dir_.path());
    fill(*store, 1000);
    root = *store->tree_root(1000);
  }
  edit([](rocksdb::DB& db, auto& cf) {  // as written by a version that knew no tree
    ASSERT_TRUE(db.DropColumnFamily(cf.at("tree")).ok());
    ASSERT_TRUE(db.Delete({}, cf.at("meta"), "tree").ok());
  });
  std::uint64_t last_done = 0, last_total = 0;
  StoreOptions options;
  options.tree_progress = [&](std::uint64_t done, std::uint64_t total) {
    last_done = done;
    last_total = total;
  };
  auto store = test::open_store(dir_.path(), options);
  EXPECT_EQ(last_done, 1000u);
  EXPECT_EQ(last_total, 1000u);
  EXPECT_EQ(*store->tree_root(1000), root);
  auto v = store->verify();
  EXPECT_TRUE(v.ok) << v.problem;
  ASSERT_TRUE(store->append_sync(request("t", 0, {event("E", 1)})));
  EXPECT_TRUE(store->verify().ok);
}

TEST_F(TreeStoreTest, VerifyCatchesAnAlteredTreeNode) {
  {
    auto store = test::open_store(dir_.path());
    fill(*store, 100);
  }
  edit([](rocksdb::DB& db, auto& cf) {
    ASSERT_TRUE(db.Put({}, cf.at("tree"), detail::tree_key(5, 1), std::string(32, 'x')).ok());
  });
  auto v = test::open_store(dir_.path())->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("Merkle tree node altered at height 5, index 1"), std::string::npos)
      << v.problem;
  EXPECT_EQ(v.first_bad_position, 64u);  // leaf 63 completes leaves 32–63
}

TEST_F(TreeStoreTest, ALogMissingARecordOpensForVerifyButRefusesWrites) {
  {
    auto store = test::open_store(dir_.path());
    fill(*store, 40);
  }
  edit([](rocksdb::DB& db, auto& cf) {
    std::string key(8, '\0');
    key[7] = 35;  // among the 8 records the edge of 40 leaves is computed from
    ASSERT_TRUE(db.Delete({}, cf.at("log"), key).ok());
  });
  auto store = test::open_store(dir_.path());
  EXPECT_EQ(store->verify().first_bad_position, 35u);
  EXPECT_TRUE(store->health().degraded);
  auto refused = store->append_sync(request("s", {}, {event("E", 1)}));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("damaged"), std::string::npos) << refused.error().message;
}

TEST_F(TreeStoreTest, CheckpointsAreKeptAndVerifiedAgainstTheTree) {
  {
    auto store = test::open_store(dir_.path());
    fill(*store, 50);
    EXPECT_EQ(store->put_checkpoint({40, std::string(32, 'r'), "note"}).error().code,
              StoreErrc::kInvalidArgument);
    ASSERT_TRUE(store->put_checkpoint({40, *store->tree_root(40), "note 40"}));
    ASSERT_TRUE(store->put_checkpoint({50, *store->tree_root(50), "note 50"}));
    EXPECT_EQ((*store->get_checkpoint(std::nullopt))->note, "note 50");
    EXPECT_EQ((*store->get_checkpoint(40))->note, "note 40");
    EXPECT_FALSE(*store->get_checkpoint(45));
    auto v = store->verify();
    EXPECT_TRUE(v.ok);
    EXPECT_EQ(v.checkpoint, 50u);
    EXPECT_EQ(v.root.size(), 64u);
  }
  edit([](rocksdb::DB& db, auto& cf) {  // a forged checkpoint for the latest size
    std::string key(8, '\0');
    key[7] = 50;
    ASSERT_TRUE(db.Put({}, cf.at("checkpoints"), key, std::string(32, 'f') + "forged").ok());
  });
  auto v = test::open_store(dir_.path())->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("checkpoint"), std::string::npos);
}

TEST_F(TreeStoreTest, ImportBuildsTheSameTree) {
  auto store = test::open_store(dir_.path());
  fill(*store, 200);
  test::TempDir other("tree-import");
  auto copy = test::open_store(other.path());
  auto records = test::read_everything(*store);
  ASSERT_TRUE(copy->import(records));
  EXPECT_EQ(*copy->tree_root(200), *store->tree_root(200));
  EXPECT_EQ(*copy->inclusion_proof(17, 200), *store->inclusion_proof(17, 200));
  EXPECT_TRUE(copy->verify().ok);
}

}  // namespace
}  // namespace grappe::es
