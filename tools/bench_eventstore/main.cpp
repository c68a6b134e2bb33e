// bench-eventstore — durable append and catch-up throughput of the event store, as ratios to the
// disk's fsync limit and (with --with-postgres) to a PostgreSQL events table.
// Usage: bench-eventstore [--with-postgres] [--seconds S] [--batch-appenders N] [--dir DIR]
//                         [--tree-leaves N] [--tree-rounds N]
// Prints a table, then one machine-readable line (the last):
//   fsync_per_s=N c1_per_s=N c64_per_s=N batch100_per_s=N catchup_per_s=N pg_c64_per_s=N|na
//   tree_overhead_pct=N proof_p99_us=N consistency_p99_us=N tile_p99_us=N sign_p99_us=N
//   tree_rebuild_per_s=N tree_leaves=N
// The Merkle tree's figures (issue 19): 64 appenders with and without the tree, alternated
// --tree-rounds times (median of the paired ratios); proofs, signing and the tree's rebuild on a
// log of --tree-leaves events (default 10,000,000; 0 skips them: their figures are then na).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "measure.h"

namespace {

namespace fs = std::filesystem;
using grappe::bench::Rate;

struct Args {
  bool with_postgres = false;
  double seconds = 3;
  fs::path dir = fs::temp_directory_path();
  int batch_appenders = 1;  // concurrent appenders of batches of 100
  long tree_leaves = 10000000;
  int tree_rounds = 3;
};

std::optional<Args> parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--with-postgres") {
      a.with_postgres = true;
    } else if (s == "--seconds" && i + 1 < argc) {
      a.seconds = std::atof(argv[++i]);
    } else if (s == "--batch-appenders" && i + 1 < argc) {
      a.batch_appenders = std::atoi(argv[++i]);
    } else if (s == "--tree-leaves" && i + 1 < argc) {
      a.tree_leaves = std::atol(argv[++i]);
    } else if (s == "--tree-rounds" && i + 1 < argc) {
      a.tree_rounds = std::atoi(argv[++i]);
    } else if (s == "--dir" && i + 1 < argc) {
      a.dir = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  return a.seconds > 0 && a.batch_appenders > 0 && a.tree_leaves >= 0 && a.tree_rounds > 0
             ? std::optional<Args>(a)
             : std::nullopt;
}

void row(const char* name, const Rate& r, double fsync) {
  std::printf("%-34s %12.0f %9.1fx %10.2f %10.0f\n", name, r.per_s, r.per_s / fsync,
              r.mean_latency_ms, r.events);
  std::fflush(stdout);
}

// Runs pg_bench.sh (installs PostgreSQL if missing, throwaway cluster) and returns its rate.
std::optional<double> postgres_rate(int clients, double seconds) {
  std::string cmd = std::string("bash '") + GRAPPE_PG_BENCH_SCRIPT + "' " +
                    std::to_string(clients) + " " + std::to_string(int(seconds + 0.5));
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  char line[512];
  std::optional<double> tps;
  while (std::fgets(line, sizeof line, p)) {
    double v = 0;
    if (std::sscanf(line, "pg_tps=%lf", &v) == 1) tps = v;
  }
  return pclose(p) == 0 ? tps : std::nullopt;
}

int run(const Args& a) {
  std::string tmpl = (a.dir / "grappe-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  fs::path base = tmpl;
  std::printf("folder: %s (every measurement on this disk), %.0f s each\n", base.c_str(),
              a.seconds);
  std::printf("%-34s %12s %10s %10s %10s\n", "measurement", "events/s", "x fsync", "ms/call",
              "events");
  Rate fsync = grappe::bench::fsync_limit(base / "raw", a.seconds);
  row("fsync limit (raw RocksDB sync put)", fsync, fsync.per_s);
  fs::path store = base / "store";
  Rate c1 = grappe::bench::appends(store, 1, 1, a.seconds);
  row("1 appender, single events", c1, fsync.per_s);
  Rate c8 = grappe::bench::appends(store, 8, 1, a.seconds);
  row("8 appenders, single events", c8, fsync.per_s);
  Rate c64 = grappe::bench::appends(store, 64, 1, a.seconds);
  row("64 appenders, single events", c64, fsync.per_s);
  Rate b100 = grappe::bench::appends(store, a.batch_appenders, 100, a.seconds);
  std::string b100_name = std::to_string(a.batch_appenders) + " appender(s), batches of 100";
  row(b100_name.c_str(), b100, fsync.per_s);
  Rate cu = grappe::bench::catch_up(store);
  row("catch-up of $all (subscription)", cu, fsync.per_s);
  std::string pg = "na";
  if (a.with_postgres) {
    auto tps = postgres_rate(64, a.seconds * 3);
    if (!tps) {
      std::fprintf(stderr, "PostgreSQL benchmark failed\n");
    } else {
      pg = std::to_string(static_cast<long>(*tps));
      std::printf("%-34s %12.0f %9.1fx   (ours at 64 appenders: %.1fx PostgreSQL)\n",
                  "PostgreSQL, 64 clients, 1 event/tx", *tps, *tps / fsync.per_s, c64.per_s / *tps);
    }
  }
  grappe::bench::TreeFigures tree;
  grappe::bench::tree_overhead(base / "tree", a.seconds, a.tree_rounds, tree);
  std::printf(
      "%-34s %12.0f %9.1fx   (without the tree %.0f/s; paired rounds: %.1f%% lower with it)\n",
      "64 appenders, Merkle tree on", tree.on_per_s, tree.on_per_s / fsync.per_s, tree.off_per_s,
      tree.overhead_pct);
  auto na = [](bool have, double v) { return have ? std::to_string(std::lround(v)) : "na"; };
  const bool large = a.tree_leaves > 0;
  if (large) {
    grappe::bench::tree_large(base / "large", static_cast<std::uint64_t>(a.tree_leaves), tree);
    std::printf(
        "tree of %llu leaves (written in %.1f s): inclusion proof p50 %.0f us, p99 %.0f "
        "us; consistency p99 %.0f us; tile p99 %.0f us; checkpoint (root + Ed25519) p99 "
        "%.0f us; rebuild %.1f s (%.0f leaves/s)\n",
        static_cast<unsigned long long>(tree.leaves), tree.build_s, tree.proof_p50_us,
        tree.proof_p99_us, tree.consistency_p99_us, tree.tile_p99_us, tree.sign_p99_us,
        tree.rebuild_s, tree.rebuild_per_s);
  }
  fs::remove_all(base);
  std::printf(
      "fsync_per_s=%.0f c1_per_s=%.0f c64_per_s=%.0f batch100_per_s=%.0f "
      "catchup_per_s=%.0f pg_c64_per_s=%s tree_overhead_pct=%.1f proof_p99_us=%s "
      "consistency_p99_us=%s tile_p99_us=%s sign_p99_us=%s tree_rebuild_per_s=%s "
      "tree_leaves=%ld\n",
      fsync.per_s, c1.per_s, c64.per_s, b100.per_s, cu.per_s, pg.c_str(), tree.overhead_pct,
      na(large, tree.proof_p99_us).c_str(), na(large, tree.consistency_p99_us).c_str(),
      na(large, tree.tile_p99_us).c_str(), na(large, tree.sign_p99_us).c_str(),
      na(large, tree.rebuild_per_s).c_str(), a.tree_leaves);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse(argc, argv);
  if (!args) {
    std::cerr << "usage: bench-eventstore [--with-postgres] [--seconds S] [--batch-appenders N] "
                 "[--dir DIR] [--tree-leaves N] [--tree-rounds N]\n";
    return 2;
  }
  try {
    return run(*args);
  } catch (const std::exception& e) {
    std::cerr << "bench-eventstore: " << e.what() << "\n";
    return 1;
  }
}
