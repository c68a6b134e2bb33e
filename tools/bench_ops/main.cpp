// bench-ops (issue 7): on a generated log of 1,000,000 events over 5,000 grappes, times as
// separate processes `grappe-admin verify`, `grappe-admin export >/dev/null`,
// `grappe-admin rebuild` (when the tool has it) and a server start with its checkpoints
// current. Targets: rebuild ≥ 300,000 events/s, start < 1 s, verify ≥ 500,000 events/s.
// Then (issue 24) a third start: the server's RSS once started, and the grappe list read by an
// auditor page by page. Prints tables, then the last line
//   rebuild_per_s=N start_ms=N verify_per_s=N export_per_s=N rss_after_start_mb=N
//   rss_10m_mb=N start_10m_ms=N list_p95_ms=N    (rss_10m/start_10m: only with --events 10000000)
// with `na` for what could not be measured. The temporary folder is removed at the end.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "generate.h"
#include "process.h"
#include "serve.h"

namespace {

namespace fs = std::filesystem;
using namespace grappe::bench;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

struct Options {
  GenerateOptions generate;
  fs::path dir = fs::temp_directory_path();
  std::string admin = GRAPPE_ADMIN_BIN;
  std::string server = GRAPPE_SERVER_BIN;
  bool keep = false;
};

class WorkDir {
 public:
  WorkDir(const fs::path& parent, bool keep) : keep_(keep) {
    std::string pattern = (parent / "grappe-bench-ops-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("cannot create a folder in " + parent.string());
    path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool keep_;
};

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Row {
  std::string name;
  std::optional<double> seconds;
  std::string note;
};

// Runs `args` and returns its elapsed seconds, or nullopt (printing why) if it failed.
std::optional<double> timed(const std::vector<std::string>& args, const fs::path& err,
                            seconds timeout) {
  auto start = Clock::now();
  auto status = run(args, "", err.string(), timeout);
  double elapsed = since(start);
  if (status == 0) return elapsed;
  std::cerr << "bench-ops: " << args[1] << " failed (status "
            << (status ? std::to_string(*status) : "timeout/signal") << "), see " << err << "\n";
  return std::nullopt;
}

// First start: catch up and write the checkpoints; second start: timed to `listening on`.
std::optional<double> server_start(const Options& o, const fs::path& data, const fs::path& err) {
  if (!fs::exists(o.server)) {
    std::cerr << "bench-ops: no server binary at " << o.server << "\n";
    return std::nullopt;
  }
  std::vector<std::string> args{o.server,   "--data",      data.string(),
                                "--listen", "127.0.0.1:0", "--no-demo"};
  {
    ServerProcess first(args, err.string());
    if (!first.wait_listening(seconds(600))) {
      std::cerr << "bench-ops: the server did not start, see " << err << "\n";
      return std::nullopt;
    }
    if (first.stop(seconds(120)) != 0) std::cerr << "bench-ops: first server stop was not clean\n";
  }
  auto start = Clock::now();
  ServerProcess second(args, err.string());
  if (!second.wait_listening(seconds(120))) return std::nullopt;
  double elapsed = since(start);
  second.stop(seconds(120));
  return elapsed;
}

std::string fixed(std::optional<double> v, int digits) {
  if (!v) return "na";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
  return buf;
}

void print_served(const ServeResult& r) {
  std::printf("\n%-40s %12s %12s\n", "server, third start (an auditor reads)", "p50", "p95");
  std::printf("%-40s %12s %12s\n", "GET /api/grappes?limit=100 (cursors)",
              (fixed(r.page_p50_ms, 2) + " ms").c_str(), (fixed(r.page_p95_ms, 2) + " ms").c_str());
  std::printf("%-40s %12s %12s\n", "  the same, status=submitted",
              (fixed(r.filter_p50_ms, 2) + " ms").c_str(),
              (fixed(r.filter_p95_ms, 2) + " ms").c_str());
  std::printf("%-40s %12s\n", "GET /api/grappes (whole list, median)",
              (fixed(r.whole_ms, 1) + " ms").c_str());
  if (r.whole_ms && r.page_p50_ms && *r.page_p50_ms > 0)
    std::printf("%-40s %12.1f\n", "whole list / one page (p50)", *r.whole_ms / *r.page_p50_ms);
  std::printf("%-40s %12zu\n", "grappes in the whole list", r.grappes);
  std::printf("%-40s %12s\n", "RSS right after start", (fixed(r.rss_mb, 1) + " MB").c_str());
  std::printf("%-40s %12s\n", "RSS after the list requests",
              (fixed(r.rss_after_mb, 1) + " MB").c_str());
  if (!r.note.empty()) std::printf("note: %s\n", r.note.c_str());
  std::printf("\n");
}

bool has_rebuild(const Options& o, const fs::path& err) {
  return run({o.admin, "rebuild", "--help"}, "", err.string(), seconds(30)) == 0;
}

std::string rate(std::optional<double> s, std::uint64_t events) {
  return s && *s > 0 ? std::to_string(static_cast<std::uint64_t>(events / *s)) : "na";
}

int bench(const Options& o) {
  WorkDir work(o.dir, o.keep);
  fs::path data = work.path() / "data", err = work.path() / "stderr.log";
  const auto events = o.generate.events;
  std::cerr << "bench-ops: generating " << events << " events over " << o.generate.grappes
            << " grappes in " << data << "\n";
  auto start = Clock::now();
  generate_log(data, o.generate);
  Row gen{"generate (in process)", since(start), ""};
  std::cerr << "bench-ops: timing verify, export, rebuild, server start\n";
  Row verify{"admin verify", timed({o.admin, "verify", "--data", data.string()}, err, seconds(600)),
             ""};
  Row exported{"admin export >/dev/null",
               timed({o.admin, "export", "--data", data.string()}, err, seconds(600)), ""};
  Row rebuild{"admin rebuild", std::nullopt, "not available"};
  if (has_rebuild(o, err)) {
    rebuild.seconds = timed({o.admin, "rebuild", "--data", data.string()}, err, seconds(900));
    rebuild.note = "";
  }
  Row start_row{"server start", server_start(o, data, err), "second start, checkpoints current"};
  std::cerr << "bench-ops: the server's memory and the grappe list, page by page\n";
  auto served = fs::exists(o.server) ? serve_phase(o.server, data, err) : ServeResult{};

  std::printf("bench-ops: %llu events over %d grappes\n", static_cast<unsigned long long>(events),
              o.generate.grappes);
  std::printf("%-26s %12s %16s  %s\n", "operation", "elapsed", "events/s", "note");
  for (const Row* r : {&gen, &verify, &exported, &rebuild, &start_row}) {
    std::string elapsed = r->seconds ? std::to_string(*r->seconds).substr(0, 7) + " s" : "na";
    std::string per_s = r == &start_row ? "" : rate(r->seconds, events);
    std::printf("%-26s %12s %16s  %s\n", r->name.c_str(), elapsed.c_str(), per_s.c_str(),
                r->note.c_str());
  }
  print_served(served);
  std::printf(
      "targets: rebuild >= 300000/s, start < 1000 ms, verify >= 500000/s; "
      "list p95 < 50 ms; at 10M events rss < 600 MB, start < 500 ms\n");
  std::string start_ms =
      start_row.seconds ? std::to_string(static_cast<long>(*start_row.seconds * 1000 + 0.5)) : "na";
  const bool ten_million = events == 10'000'000;
  const auto rss = fixed(served.rss_mb, 1);
  std::printf(
      "rebuild_per_s=%s start_ms=%s verify_per_s=%s export_per_s=%s rss_after_start_mb=%s "
      "rss_10m_mb=%s start_10m_ms=%s list_p95_ms=%s\n",
      rate(rebuild.seconds, events).c_str(), start_ms.c_str(), rate(verify.seconds, events).c_str(),
      rate(exported.seconds, events).c_str(), rss.c_str(), ten_million ? rss.c_str() : "na",
      ten_million ? start_ms.c_str() : "na", fixed(served.page_p95_ms, 2).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Times verify, export, rebuild and a server start on a generated log."};
  app.add_option("--events", o.generate.events, "events to generate")->capture_default_str();
  app.add_option("--grappes", o.generate.grappes, "grappes to spread them over")
      ->capture_default_str();
  app.add_option("--dir", o.dir, "where to create the temporary folder")->capture_default_str();
  app.add_option("--admin", o.admin, "grappe-admin binary")->capture_default_str();
  app.add_option("--server", o.server, "grappe-server binary")->capture_default_str();
  app.add_flag("--keep", o.keep, "keep the temporary folder");
  CLI11_PARSE(app, argc, argv);
  try {
    return bench(o);
  } catch (const std::exception& e) {
    std::cerr << "bench-ops: " << e.what() << "\n";
    std::printf(
        "rebuild_per_s=na start_ms=na verify_per_s=na export_per_s=na rss_after_start_mb=na "
        "rss_10m_mb=na start_10m_ms=na list_p95_ms=na\n");
    return 1;
  }
}
