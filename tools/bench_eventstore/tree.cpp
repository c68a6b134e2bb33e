// The Merkle tree's cost and speed: appends with and without it, proofs and tiles on a large
// log, checkpoint signing, and the tree's rebuild when a folder lacks it.
#include <rocksdb/db.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "grappe/eventstore/store.h"
#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"
#include "measure.h"

namespace grappe::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile_us(std::vector<double> seconds, double p) {
  std::sort(seconds.begin(), seconds.end());
  return 1e6 * seconds[std::min(seconds.size() - 1, static_cast<std::size_t>(p * seconds.size()))];
}

template <class F>
std::vector<double> timed(int n, F&& f) {
  std::vector<double> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    f(i);
    out.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return out;
}

std::unique_ptr<es::Store> open_store(const fs::path& dir, es::StoreOptions options = {}) {
  auto s = es::Store::open(dir, options);
  if (!s) throw std::runtime_error("cannot open store: " + s.error().message);
  return std::move(*s);
}

// Drops the tree from the folder, as if a version without it had written the log.
void drop_tree(const fs::path& dir) {
  std::vector<std::string> names;
  rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), cfs, &handles, &db);
  if (!s.ok()) throw std::runtime_error("rocksdb open: " + s.ToString());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "tree") s = db->DropColumnFamily(handles[i]);
    if (names[i] == "meta") s = db->Delete({}, handles[i], "tree");
    if (!s.ok()) throw std::runtime_error("drop tree: " + s.ToString());
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

}  // namespace

void tree_overhead(const fs::path& dir, double seconds, int rounds, TreeFigures& f) {
  std::vector<double> on, off, ratio;
  for (int r = 0; r < rounds; ++r) {
    // Which runs first alternates: the first of a pair meets a cooler machine (page cache,
    // compactions of the previous pair), so a fixed order would favour one side.
    auto run = [&](bool tree) {
      auto name = std::string(tree ? "on-" : "off-") + std::to_string(r);
      (tree ? on : off).push_back(appends(dir / name, 64, 1, seconds, tree).per_s);
    };
    run(r % 2 == 1);
    run(r % 2 == 0);
    ratio.push_back(on.back() / off.back());
    std::printf("  round %d: 64 appenders without the tree %.0f/s, with it %.0f/s\n", r + 1,
                off.back(), on.back());
    std::fflush(stdout);
  }
  f.on_per_s = median(on);
  f.off_per_s = median(off);
  // Each round's pair ran back to back: the median of their ratios cancels the machine's drift.
  f.overhead_pct = 100.0 * (1.0 - median(ratio));
}

void tree_large(const fs::path& dir, std::uint64_t leaves, TreeFigures& f) {
  constexpr std::uint64_t kPerCall = 10000;
  f.leaves = leaves;
  auto t0 = Clock::now();
  {
    auto store = open_store(dir);
    for (std::uint64_t done = 0; done < leaves;) {
      es::AppendRequest req;
      req.parts.push_back({"s" + std::to_string(done % 64), std::nullopt, {}});
      const auto n = std::min(kPerCall, leaves - done);
      for (std::uint64_t i = 0; i < n; ++i) {
        req.parts[0].events.push_back(
            {"", "E", "{\"n\":" + std::to_string(done + i) + "}", {"u", "Bench"}});
      }
      if (auto out = store->append_sync(std::move(req)); !out) {
        throw std::runtime_error("append: " + out.error().message);
      }
      done += n;
      if (done % 1000000 == 0) {
        std::printf("  %llu events written\n", static_cast<unsigned long long>(done));
        std::fflush(stdout);
      }
    }
  }
  f.build_s = std::chrono::duration<double>(Clock::now() - t0).count();
  auto store = open_store(dir);
  std::mt19937_64 rng(42);
  std::vector<std::uint64_t> picks(10000);
  for (auto& p : picks) p = rng() % leaves;
  auto proofs = timed(10000, [&](int i) {
    if (!store->inclusion_proof(picks[i], leaves)) throw std::runtime_error("inclusion proof");
  });
  f.proof_p50_us = percentile_us(proofs, 0.50);
  f.proof_p99_us = percentile_us(proofs, 0.99);
  f.consistency_p99_us = percentile_us(timed(2000,
                                             [&](int i) {
                                               if (!store->consistency_proof(picks[i] + 1, leaves))
                                                 throw std::runtime_error("consistency");
                                             }),
                                       0.99);
  f.tile_p99_us = percentile_us(timed(2000,
                                      [&](int i) {
                                        if (!store->tile(0, picks[i] / 256 / 2, 256))
                                          throw std::runtime_error("tile");
                                      }),
                                0.99);
  auto key = *tlog::SigningKey::generate("grappe/bench", tlog::kNoteKey);
  f.sign_p99_us = percentile_us(
      timed(1000,
            [&](int i) {
              const auto size = leaves - static_cast<std::uint64_t>(i);
              auto root = store->tree_root(size);
              if (!root) throw std::runtime_error("tree root");
              tlog::sign_note(key, tlog::checkpoint_text("grappe/bench", size, *root));
            }),
      0.99);
  store.reset();
  drop_tree(dir);
  auto r0 = Clock::now();
  es::StoreOptions options;
  options.tree_progress = [](std::uint64_t done, std::uint64_t total) {
    if (done % 1000000 == 0 || done == total) {
      std::printf("  tree rebuilt for %llu of %llu events\n", static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total));
      std::fflush(stdout);
    }
  };
  auto rebuilt = open_store(dir, options);
  f.rebuild_s = std::chrono::duration<double>(Clock::now() - r0).count();
  f.rebuild_per_s = static_cast<double>(leaves) / f.rebuild_s;
  if (!rebuilt->inclusion_proof(picks[0], leaves)) throw std::runtime_error("after rebuild");
}

}  // namespace grappe::bench
