// bench-server — the real grappe-server under load from this process over loopback (issue 5):
// acked durable commands per second with 1, 16 and 64 connections, ack latency, fan-out latency
// to 100 subscribers, resident memory with 1,000 idle subscribed connections, and the disk's
// fsync limit through the event store on the same filesystem, in the same run (half right
// before the 64-connection phase, half right after).
// Usage: bench-server [--seconds S] [--max-commands N] [--threads N] [--dir DIR] [--server BIN]
//                     [--idle N] (idle connections, default 1,000; the last line's key follows)
//                     [--only PHASE[,PHASE...]] of fsync, c1, c16, c64, fanout, idle, join, tree,
//                     notify
//                     (e.g. under a profiler; the phases keep their order) [--tree-rounds N]
// Prints a table, then one machine-readable line (the last; `na` for a phase that failed or
// timed out):
//   fsync_per_s=N c1_per_s=N c64_per_s=N p99_ack_ms=N fanout100_p99_ms=N rss_1000_mb=N
//   tree_overhead_pct=N proof_p99_us=N presence_join_mb=N notify_p95_ms=N notify_overhead_pct=N
// join: 1,000 people, each their own user, join one grappe; what their connections received.
// tree: 64 connections to a server with the Merkle tree and one with --merkle-tree off, in fresh
// folders, alternated --tree-rounds times (default 3; medians), then inclusion proofs over HTTP.
// notify: 64 connections to a server whose notifier catches up 100,000 events (--smtp, aiosmtpd
// on loopback) and to the same store without --smtp, alternated --tree-rounds times (medians);
// then ack → SMTP acceptance of 100 invitations' messages, one at a time.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "fsync_limit.h"
#include "idle.h"
#include "load.h"
#include "notify.h"
#include "server.h"
#include "support/temp_dir.h"
#include "tree.h"

namespace {

namespace fs = std::filesystem;
using namespace grappe::bench;

constexpr int kSubscribers = 100;       // fan-out
constexpr int kFanoutCommands = 200;    // sent one at a time
constexpr int kIdleConnections = 1000;  // unless --idle N
constexpr int kIdlePerGrappe = 100;     // subscribers of each grappe, as in the fan-out

struct Args {
  LoadSettings load;
  fs::path dir = fs::temp_directory_path();
  fs::path server = GRAPPE_SERVER_BIN;
  std::string only;  // comma-separated phases; empty: every phase
  int tree_rounds = 3;
  int idle = kIdleConnections;
  bool runs(const char* phase) const {
    return only.empty() ||
           ("," + only + ",").find("," + std::string(phase) + ",") != std::string::npos;
  }
};

std::optional<Args> parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    bool has_value = i + 1 < argc;
    if (s == "--seconds" && has_value) {
      a.load.seconds = std::atof(argv[++i]);
    } else if (s == "--max-commands" && has_value) {
      a.load.max_commands = std::atol(argv[++i]);
    } else if (s == "--threads" && has_value) {
      a.load.threads = std::atoi(argv[++i]);
    } else if (s == "--dir" && has_value) {
      a.dir = argv[++i];
    } else if (s == "--server" && has_value) {
      a.server = argv[++i];
    } else if (s == "--tree-rounds" && has_value) {
      a.tree_rounds = std::atoi(argv[++i]);
    } else if (s == "--idle" && has_value) {
      a.idle = std::atoi(argv[++i]);
    } else if (s == "--only" && has_value) {
      a.only = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  bool valid = a.load.seconds > 0 && a.load.max_commands > 0 && a.load.threads > 0 &&
               a.tree_rounds > 0 && a.idle > 0 && a.idle <= 100'000;
  return valid ? std::optional<Args>(a) : std::nullopt;
}

// `connections` here and as many in the server (which inherits this limit).
void raise_fd_limit(int connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < static_cast<rlim_t>(connections) + 200) {
    std::fprintf(stderr, "warning: open files limited to %lu, the idle phase may fail\n",
                 static_cast<unsigned long>(lim.rlim_cur));
  }
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void row(const std::string& name, const std::string& figure, const std::string& detail) {
  std::printf("%-62s %10s  %s\n", name.c_str(), figure.c_str(), detail.c_str());
  std::fflush(stdout);
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

const char* verdict(bool met) {
  return met ? "met" : "MISSED";
}

void load_row(const std::string& name, const LoadResult& r) {
  if (!r.ok) return row(name, "na", r.error);
  row(name, fixed(r.per_s, 0) + "/s",
      "ack p50 " + fixed(r.p50_ms, 2) + " ms, p99 " + fixed(r.p99_ms, 2) + " ms; " +
          std::to_string(r.acked) + " acked, " + std::to_string(r.rejected) + " rejected in " +
          fixed(r.seconds, 1) + " s");
}

// One run: its options, its folder, the server under test and the fsync halves measured so far.
struct Run {
  const Args& a;
  const fs::path& base;
  grappe::test::ServerProcess& server;
  std::vector<FsyncLimit> fsync_halves;
  bool fsync_failed = false;
};

// The fsync limit is measured in two halves, right before and right after the 64-connection
// phase (each on a fresh store), and pooled: the machine's disk and CPU drift within a run, and
// the ratio compares the server with the disk as they were during that phase.
void measure_fsync(Run& run, const char* when) {
  if (!run.a.runs("fsync") || run.fsync_failed) return;
  std::string name = std::string("fsync limit ") + when + " (store, 1 synced append at a time)";
  try {
    auto half = store_fsync_limit(run.base / "fsync", run.a.load.seconds / 2);
    row(name, fixed(half.per_s, 0) + "/s",
        "mean " + fixed(half.mean_ms, 2) + " ms per append over " + fixed(half.seconds, 1) + " s");
    run.fsync_halves.push_back(half);
  } catch (const std::exception& e) {
    row(name, "na", e.what());
    run.fsync_failed = true;
  }
  fs::remove_all(run.base / "fsync");
}

std::optional<FsyncLimit> pooled_fsync(const Run& run) {
  if (run.fsync_halves.size() != 2) return std::nullopt;
  FsyncLimit fsync;
  for (const auto& h : run.fsync_halves) {
    fsync.appends += h.appends;
    fsync.seconds += h.seconds;
  }
  fsync.per_s = static_cast<double>(fsync.appends) / fsync.seconds;
  fsync.mean_ms = 1000.0 * fsync.seconds / static_cast<double>(fsync.appends);
  row("fsync limit, both halves pooled", fixed(fsync.per_s, 0) + "/s",
      std::to_string(fsync.appends) + " appends in " + fixed(fsync.seconds, 1) + " s");
  return fsync;
}

// A closed-loop phase. Each also reports the CPU time spent per acked command by the server and
// by this process (the load), which share the machine's cores.
LoadResult load_phase(Run& run, const char* key, const std::string& name, int connections) {
  if (!run.a.runs(key)) return LoadResult{false, "not run (--only)"};
  auto server_before = cpu_seconds(run.server.pid());
  auto self_before = self_cpu_seconds();
  auto r = closed_loop(run.server.port(), connections, run.a.load);
  load_row(name, r);
  auto server_after = cpu_seconds(run.server.pid());
  if (r.ok && r.acked > 0 && server_before && server_after) {
    double per = 1e6 / static_cast<double>(r.acked);
    row("  CPU per acked command: server, load", "",
        fixed((*server_after - *server_before) * per, 0) + " us, " +
            fixed((self_cpu_seconds() - self_before) * per, 0) + " us");
  }
  return r;
}

void compare_with_fsync(const LoadResult& c64, const std::optional<FsyncLimit>& fsync) {
  if (!c64.ok || !fsync) return;
  double ratio = c64.per_s / fsync->per_s;
  row("  64 connections / fsync limit (target >= 5x)", fixed(ratio, 1) + "x", verdict(ratio >= 5));
  row("  p99 ack at 64 connections (target < 25 ms)", fixed(c64.p99_ms, 2) + " ms",
      verdict(c64.p99_ms < 25));
}

FanoutResult fanout_phase(Run& run) {
  auto fan = run.a.runs("fanout")
                 ? fanout(run.server.port(), kSubscribers, kFanoutCommands, run.a.load.threads)
                 : FanoutResult{false, "not run (--only)"};
  std::string name = "fan-out to " + std::to_string(kSubscribers) + " subscribers, p99";
  if (!fan.ok) {
    row(name, "na", fan.error);
    return fan;
  }
  row(name + " (target < 10 ms)", fixed(fan.p99_ms, 2) + " ms",
      std::string(verdict(fan.p99_ms < 10)) + "; p50 " + fixed(fan.p50_ms, 2) + " ms over " +
          std::to_string(fan.receipts) + " receipts of " + std::to_string(kFanoutCommands) +
          " commands sent one at a time");
  return fan;
}

IdleResult idle_phase(Run& run, std::optional<double> rss_start) {
  auto rss_mb_text = [](std::optional<double> mb) { return mb ? fixed(*mb, 1) + " MB" : "na"; };
  row("server RSS at start", rss_mb_text(rss_start), "VmRSS, after start-up, before any load");
  const auto before = rss_mb(run.server.pid());
  row("server RSS before the idle connections", rss_mb_text(before), "after the phases above");
  const int n = run.a.idle, grappes = std::max(1, n / kIdlePerGrappe);
  auto idle = run.a.runs("idle") ? idle_rss(run.server, n, grappes, run.a.load.threads)
                                 : IdleResult{false, "not run (--only)"};
  std::string name = "server RSS, " + std::to_string(n) + " idle subscribed connections";
  if (!idle.ok) {
    row(name, "na", idle.error + " (" + std::to_string(idle.connected) + " subscribed)");
    return idle;
  }
  const double target = n <= kIdleConnections ? 150 : 500;  // issue 5; issue 24 at 10,000
  const std::string per = before ? fixed((idle.rss_mb - *before) * 1024 / n, 1) : "na";
  row(name + " (target < " + fixed(target, 0) + " MB)", fixed(idle.rss_mb, 1) + " MB",
      std::string(verdict(idle.rss_mb < target)) + "; " + per + " KB more per connection; " +
          std::to_string(grappes) + " grappes, quiet " + fixed(idle.settle_s, 1) +
          " s after the first connect");
  return idle;
}

// PROTOCOL.md v2 "Presence at scale": 1,000 people (each their own user) join one grappe as
// fast as the client threads can; what all the connections received meanwhile (upgrades,
// snapshots, presence lists) until they are quiet.
IdleResult join_phase(Run& run) {
  auto join = run.a.runs("join") ? idle_rss(run.server, kPeople, 1, run.a.load.threads, true)
                                 : IdleResult{false, "not run (--only)"};
  const std::string name = "received while " + std::to_string(kPeople) + " people join one grappe";
  if (!join.ok) {
    row(name, "na", join.error + " (" + std::to_string(join.connected) + " subscribed)");
    return join;
  }
  row(name + " (target < 20 MB)", fixed(join.received_mb, 1) + " MB",
      std::string(verdict(join.received_mb < 20)) + "; quiet " + fixed(join.settle_s, 1) +
          " s after the first connect; server RSS then " + fixed(join.rss_mb, 1) + " MB");
  return join;
}

int run(const Args& a) {
  raise_fd_limit(std::max(a.idle, kPeople));
  grappe::test::TempDir base("bench-server", a.dir);
  fs::create_directories(base.path / "server");
  auto server = start_server(a.server, base.path / "server");
  std::printf("folder: %s (server data and fsync store on the same disk)\n", base.path.c_str());
  std::printf(
      "grappe-server pid %d on 127.0.0.1:%u; %d client threads; load phases %.0f s or %ld "
      "commands; each connection on its own grappe, subscribed to it, sending PostComment "
      "after the previous ack\n",
      server.pid(), server.port(), a.load.threads, a.load.seconds, a.load.max_commands);
  row("measurement", "figure", "detail");
  auto rss_start = rss_mb(server.pid());
  Run r{a, base.path, server, {}, false};
  auto c1 = load_phase(r, "c1", "1 connection, closed loop", 1);
  auto c16 = load_phase(r, "c16", "16 connections, closed loop", 16);
  measure_fsync(r, "before c64");
  auto c64 = load_phase(r, "c64", "64 connections, closed loop", 64);
  measure_fsync(r, "after c64");
  auto fsync = pooled_fsync(r);
  compare_with_fsync(c64, fsync);
  auto fan = fanout_phase(r);
  auto idle = idle_phase(r, rss_start);
  auto join = join_phase(r);
  bool alive = server.alive();
  if (!alive)
    std::printf("grappe-server exited during the run; its log:\n%s", server.stderr_tail().c_str());
  if (alive) server.terminate(std::chrono::seconds(10));
  auto tree = a.runs("tree") ? tree_phase(a.server, base.path, a.load, a.tree_rounds)
                             : TreeResult{false, "not run (--only)"};
  if (tree.ok) {
    row("64 connections with the Merkle tree (target: <= 5% lower)",
        fixed(tree.overhead_pct, 1) + "%",
        "median of " + std::to_string(a.tree_rounds) + " paired rounds; medians " +
            fixed(tree.on_per_s, 0) + "/s with, " + fixed(tree.off_per_s, 0) + "/s without");
    row("inclusion proof over HTTP, p99 (target < 1 ms)", fixed(tree.proof_p99_us, 0) + " us",
        "p50 " + fixed(tree.proof_p50_us, 0) + " us; " + std::to_string(tree.proofs) +
            " proofs in a log of " + std::to_string(tree.log_size) + " events");
  } else {
    row("Merkle tree phase", "na", tree.error);
  }
  auto notify = a.runs("notify") ? notify_phase(a.server, base.path, a.load, a.tree_rounds)
                                 : NotifyResult{false, "not run (--only)"};
  if (notify.ok) {
    row("64 connections while the notifier catches up (target: <= 5% lower)",
        fixed(notify.overhead_pct, 1) + "%",
        std::to_string(notify.behind) + " events behind; medians " + fixed(notify.on_per_s, 0) +
            "/s with --smtp, " + fixed(notify.off_per_s, 0) + "/s without; " +
            std::to_string(notify.caught_mails) + " catch-up messages during the last phase");
    row("server CPU per command, with / without --smtp",
        fixed(notify.on_us_per_cmd, 1) + " / " + fixed(notify.off_us_per_cmd, 1) + " us",
        "medians over the same phases (user + system time of the server process)");
    row("notification, ack to SMTP acceptance, p95 (target < 2 s)", fixed(notify.p95_ms, 1) + " ms",
        "p50 " + fixed(notify.p50_ms, 1) + " ms over " + std::to_string(notify.samples) +
            " invitations, one at a time");
  } else {
    row("notification phase", "na", notify.error);
  }
  auto figure = [](bool ok, double v, int decimals) { return ok ? fixed(v, decimals) : "na"; };
  std::printf(
      "fsync_per_s=%s c1_per_s=%s c64_per_s=%s p99_ack_ms=%s fanout100_p99_ms=%s "
      "rss_%d_mb=%s tree_overhead_pct=%s proof_p99_us=%s presence_join_mb=%s notify_p95_ms=%s "
      "notify_overhead_pct=%s\n",
      figure(fsync.has_value(), fsync ? fsync->per_s : 0, 0).c_str(),
      figure(c1.ok, c1.per_s, 0).c_str(), figure(c64.ok, c64.per_s, 0).c_str(),
      figure(c64.ok, c64.p99_ms, 2).c_str(), figure(fan.ok, fan.p99_ms, 2).c_str(), a.idle,
      figure(idle.ok, idle.rss_mb, 1).c_str(), figure(tree.ok, tree.overhead_pct, 1).c_str(),
      figure(tree.ok, tree.proof_p99_us, 0).c_str(), figure(join.ok, join.received_mb, 1).c_str(),
      figure(notify.ok, notify.p95_ms, 1).c_str(),
      figure(notify.ok, notify.overhead_pct, 1).c_str());
  bool all = fsync && c1.ok && c16.ok && c64.ok && fan.ok && idle.ok &&
             (join.ok || !a.runs("join")) && alive && (tree.ok || !a.runs("tree")) &&
             (notify.ok || !a.runs("notify"));
  return all ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse(argc, argv);
  if (!args) {
    std::cerr << "usage: bench-server [--seconds S] [--max-commands N] [--threads N] [--dir DIR] "
                 "[--server BIN] [--idle N] [--only PHASE[,PHASE...]] [--tree-rounds N]\n";
    return 2;
  }
  try {
    return run(*args);
  } catch (const std::exception& e) {
    std::cerr << "bench-server: " << e.what() << "\n";
    return 1;
  }
}
