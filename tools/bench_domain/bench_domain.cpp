// Domain benchmarks (issue 4 targets): evolve throughput, rebuilding a 10,000-event grappe,
// decide + evolve on a 200-member grappe, loading a 100,000-row FINESS extract, searching it.
// Prints Google Benchmark's table, then one machine-readable line.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "grappe/domain/decide.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"
#include "grappe/reference/registry_file.h"

namespace gd = grappe::domain;

namespace {

std::string luhn_complete(std::string body) {  // 8 digits → 9 with the key
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    int d = body[7 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + char('0' + (10 - sum % 10) % 10);
}

std::string finess_for(int dep, int serial) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%06d", dep, serial);
  return luhn_complete(buf);
}

const char* const kTowns[] = {"BORDEAUX", "PAU",     "LIMOGES",   "POITIERS",  "AGEN",
                              "DAX",      "BAYONNE", "ANGOULEME", "PERIGUEUX", "NIORT"};
const char* const kWords[] = {"TILLEULS", "CHENES",     "ROSES", "MIMOSAS",  "VIGNES", "PINS",
                              "GLYCINES", "HORTENSIAS", "OCEAN", "COLLINES", "SOURCES"};

// A synthetic official extract: `rows` structureet lines, 32 fields each.
std::string synthetic_extract(int rows) {
  std::string out = "finess;etalab;111;2026-05-12\n";
  out.reserve(static_cast<std::size_t>(rows) * 300);
  for (int i = 0; i < rows; ++i) {
    const int dep = 1 + i % 89;
    const std::string depcode = dep == 20 ? "21" : (dep < 10 ? "0" : "") + std::to_string(dep);
    const int d = dep == 20 ? 21 : dep;
    const std::string et = finess_for(d, i), ej = finess_for(d, 500000 + i / 8);
    const char* cat = i % 3 == 0 ? "500" : (i % 3 == 1 ? "183" : "246");
    out += "structureet;" + et + ";" + ej + ";EHPAD " + kWords[i % 11] + ";RESIDENCE LES " +
           kWords[(i / 11) % 11] + " " + std::to_string(i) + ";;;12;R;DE LA PAIX;;;001;" + depcode +
           ";DEP;" + std::to_string(10000 + dep) + " " + kTowns[i % 10] + ";0500000000;;" + cat +
           ";Libellé;4401;Agrégat;;;40;ARS;;;2000-01-01;2000-01-01;"
           "2024-01-01;\n";
  }
  return out;
}

const gd::Registry& big_registry() {
  static const gd::Registry r =
      *grappe::reference::load_registry_bytes(synthetic_extract(100000), "synthetic", nullptr);
  return r;
}

// A grappe history of `n` events: invitations, acceptances, comments, validations.
std::vector<std::pair<gd::Event, gd::EventMeta>> history(std::size_t n) {
  std::vector<std::pair<gd::Event, gd::EventMeta>> h;
  auto push = [&](gd::Event e) {
    h.push_back({std::move(e), gd::EventMeta{h.size() + 1, "2026-11-23T10:00:00.000Z", "u", "U"}});
  };
  push(gd::GrappeCreated{"g", "Grappe", "default", "75", "330001009", "", {}, 15});
  for (int i = 0; h.size() < n; ++i) {
    const std::string f = finess_for(33, i % 400);
    push(gd::EstablishmentInvited{f, "330001009", "EHPAD", "500", "33", ""});
    if (h.size() < n) push(gd::InvitationAccepted{f});
    if (h.size() < n && i % 4 == 0) push(gd::MembershipWithdrawn{f, "x"});
  }
  return h;
}

double g_evolve_per_s = 0, g_rebuild_ms = 0, g_decide_us = 0, g_registry_ms = 0, g_search_us = 0;

void BM_Evolve(benchmark::State& state) {
  const auto h = history(10000);
  std::size_t events = 0;
  for (auto _ : state) {
    gd::GrappeState s;
    for (const auto& [e, m] : h) s = gd::evolve(std::move(s), e, m);
    benchmark::DoNotOptimize(s);
    events += h.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["events_per_s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Evolve)->Unit(benchmark::kMillisecond);

void BM_DecideAccept200(benchmark::State& state) {
  gd::Registry registry;
  gd::GrappeState s;
  std::uint64_t v = 0;
  auto apply = [&](gd::Event e) { s = gd::evolve(std::move(s), e, {++v, "t", "u", "U"}); };
  apply(gd::GrappeCreated{"g", "Grappe", "default", "75", "330001009", "", {}, 15});
  for (int i = 0; i < 201; ++i) {
    const std::string f = finess_for(33, i);
    registry.add({f, i == 200 ? "640002005" : "330001009", "", "EHPAD", "500", "", "33", "75",
                  "BORDEAUX", true});
    apply(gd::EstablishmentInvited{f, i == 200 ? "640002005" : "330001009", "EHPAD", "500", "33",
                                   ""});
    if (i < 200) apply(gd::InvitationAccepted{f});
  }
  const gd::CallConfig config = gd::CallConfig::builtin();
  const gd::User user{"u", "U", gd::Role::kGestionnaire, {"640002005"}, {}};
  const gd::Context ctx{
      user, registry, config, {}, [](const std::string&) { return gd::EsmsState{}; }};
  const gd::Command cmd = gd::AcceptInvitation{finess_for(33, 200)};
  for (auto _ : state) {
    auto d = gd::decide(s, cmd, ctx);
    gd::GrappeState next = s;
    for (const auto& e : d->grappe) next = gd::evolve(std::move(next), e, {v + 1, "t", "u", "U"});
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_DecideAccept200)->Unit(benchmark::kMicrosecond);

void BM_LoadRegistry100k(benchmark::State& state) {
  const std::string text = synthetic_extract(100000);
  for (auto _ : state) {
    auto r = grappe::reference::load_registry_bytes(text, "synthetic", nullptr);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LoadRegistry100k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Search(benchmark::State& state) {
  const gd::Registry& r = big_registry();
  const char* const queries[] = {"tilleuls bordeaux", "ehpad", "chenes 1234", "33000",
                                 "mimosas pau"};
  std::size_t i = 0, hits = 0;
  for (auto _ : state) hits += r.search(queries[i++ % 5], "", "", 20).size();
  benchmark::DoNotOptimize(hits);
}
BENCHMARK(BM_Search)->Unit(benchmark::kMicrosecond);

// Keeps each run's mean time for the summary line.
class Reporter : public benchmark::ConsoleReporter {
 public:
  Reporter() : ConsoleReporter(OO_Tabular) {}  // no colours: the last line is parsed
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const std::string name = run.benchmark_name();
      const double seconds =
          run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      if (name.starts_with("BM_Evolve")) {
        g_rebuild_ms = seconds * 1e3;
        g_evolve_per_s = 10000 / seconds;
      } else if (name.starts_with("BM_DecideAccept200")) {
        g_decide_us = seconds * 1e6;
      } else if (name.starts_with("BM_LoadRegistry100k")) {
        g_registry_ms = seconds * 1e3;
      } else if (name.starts_with("BM_Search")) {
        g_search_us = seconds * 1e6;
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::printf(
      "evolve_per_s=%.0f rebuild10k_ms=%.2f decide_us=%.2f registry100k_ms=%.0f search_us=%.1f\n",
      g_evolve_per_s, g_rebuild_ms, g_decide_us, g_registry_ms, g_search_us);
  return 0;
}
