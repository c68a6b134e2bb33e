// bench-registry (issue 22): a national-size FINESS+ file (100,000 ET over 60,000 EJ, shapes from
// the real sample) loaded exactly as an admin's upload is (Registries: hashed, streamed, parsed
// on its thread, swapped in), then searches and partner suggestions on it.
//   bench-registry [--establishments N] [--organisations N] [--dir DIR] [--keep]
// Prints a table, then one last line:
//   registry_load_ms=N registry_peak_rss_mb=N registry_rss_mb=N search_p95_us=N suggest_p95_ms=N
// Peak RSS is the process's high-water mark (VmHWM, reset just before the load), so it holds
// the old registry and everything the read allocated; RSS after is VmRSS once swapped in.
#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <string>
#include <vector>

#include "generate.h"
#include "grappe/domain/state.h"
#include "grappe/domain/suggestions.h"
#include "registries.h"
#include "registry_load.h"

namespace gd = grappe::domain;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::size_t establishments = 100000, organisations = 60000;
  fs::path dir;
  bool keep = false;
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// "VmRSS" or "VmHWM" of this process, in MB.
double status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(field + ":")) return std::atof(line.c_str() + field.size() + 1) / 1024.0;
  }
  return -1;
}

bool reset_peak() {  // Linux ≥ 4.0: "5" resets VmHWM to VmRSS
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

gd::GrappeState make_grappe(const std::string& id,
                            const std::vector<const gd::Establishment*>& members, bool accept) {
  gd::GrappeState s;
  std::uint64_t v = 0;
  auto apply = [&](gd::Event e) { s = gd::evolve(s, e, gd::EventMeta{++v, "2026-01-01"}); };
  apply(gd::GrappeCreated{id, "Grappe " + id, "default", "75", members.front()->ej, "",
                          gd::Dui{"Éditeur A", "Logiciel A"}, 15});
  for (const auto* e : members) {
    apply(gd::EstablishmentInvited{e->finess, e->ej, e->name, e->category, e->departement, ""});
    if (accept) apply(gd::InvitationAccepted{e->finess});
  }
  return s;
}

// p95 of suggest_partners() (ms) for a grappe of 20 Gironde members among 300 other grappes,
// profiles on every tenth establishment, as bench-partners measures it.
double suggest_p95(const gd::Registry& registry, int runs) {
  std::mt19937 rng(7);
  const auto& all = registry.establishments();
  gd::PartnerFacts profiles;
  for (std::size_t i = 0; i < all.size(); i += 10) {
    gd::EstablishmentProfile p;
    p.dui = gd::Dui{"Éditeur", "Logiciel " + std::to_string(i % 8)};
    if (i % 200 == 0) p.looking_for_grappe = true;
    profiles.profiles.emplace(all[i].finess, std::move(p));
  }
  std::vector<const gd::Establishment*> gironde, pool;
  for (const auto& e : all)
    (e.departement == "33" && e.in_scope && e.closed_on.empty() ? gironde : pool).push_back(&e);
  if (gironde.size() < 20 || pool.size() < 300 * 20) return -1;
  gironde.resize(20);
  const auto grappe = make_grappe("bench", gironde, true);
  std::shuffle(pool.begin(), pool.end(), rng);
  std::vector<gd::GrappeState> others;
  for (int g = 0; g < 300; ++g) {
    std::vector<const gd::Establishment*> members(pool.begin() + g * 20,
                                                  pool.begin() + g * 20 + 20);
    others.push_back(make_grappe("other-" + std::to_string(g), members, g % 2 == 0));
  }
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    gd::PartnerFacts facts = profiles;
    const auto t0 = Clock::now();
    for (const auto& other : others) facts.add_other_grappe(grappe, other);
    auto list = gd::suggest_partners(grappe, registry, facts, {20, false, "2026-12-07"});
    times.push_back(ms_since(t0));
  }
  return percentile(times, 0.95);
}

// p95 of Registry::search (µs) over words of names, communes and FINESS prefixes.
double search_p95(const gd::Registry& registry, std::size_t* hits) {
  const char* const queries[] = {"residence", "tilleuls",        "saint joseph", "roseraie",
                                 "foyer",     "maison acc",      "commune 12",   "0100",
                                 "33",        "les pins soleil", "val fleuri",   "bellevue 4"};
  std::vector<double> times;
  *hits = 0;
  for (int r = 0; r < 2000; ++r) {
    const auto t0 = Clock::now();
    auto found = registry.search(queries[r % std::size(queries)], r % 3 == 0 ? "33" : "", "", 20);
    times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    *hits += found.size();
  }
  return percentile(times, 0.95);
}

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    const bool value = i + 1 < argc;
    if (s == "--establishments" && value) {
      a.establishments = std::strtoul(argv[++i], nullptr, 10);
    } else if (s == "--organisations" && value) {
      a.organisations = std::strtoul(argv[++i], nullptr, 10);
    } else if (s == "--dir" && value) {
      a.dir = argv[++i];
    } else if (s == "--keep") {
      a.keep = true;
    } else {
      return false;
    }
  }
  return a.organisations > 0 && a.establishments >= a.organisations && a.establishments <= 10000000;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench-registry [--establishments N (100000)] [--organisations N (60000)] "
                 "[--dir DIR] [--keep]\n");
    return 2;
  }
  if (a.dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "grappe-bench-registry-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return 2;
    a.dir = tmpl;
  }
  fs::create_directories(a.dir);
  const auto file = a.dir / "finess-structures-national.json.gz";
  auto t0 = Clock::now();
  const auto gen = grappe::bench::generate_finess_plus(GRAPPE_FINESS_PLUS_SAMPLE, file,
                                                       a.organisations, a.establishments);
  const double gen_ms = ms_since(t0);
  const auto gz_bytes = fs::file_size(file);
  fs::copy_file(file, a.dir / "upload.json.gz", fs::copy_options::overwrite_existing);

  prometheus::Registry metrics;
  grappe::server::LoadedRegistry empty;
  empty.info.source = "demo";
  grappe::server::Registries registries(std::move(empty), grappe::server::upload_loader(), metrics);
  const double rss_before = status_mb("VmRSS");
  const bool peak_reset = reset_peak();
  std::promise<std::optional<std::string>> done;
  std::string why;
  t0 = Clock::now();
  if (!registries.load(a.dir / "upload.json.gz", why,
                       [&](std::optional<std::string> e) { done.set_value(std::move(e)); })) {
    std::fprintf(stderr, "bench-registry: %s\n", why.c_str());
    return 1;
  }
  if (auto error = done.get_future().get()) {
    std::fprintf(stderr, "bench-registry: the file was refused: %s\n", error->c_str());
    return 1;
  }
  const double load_ms = ms_since(t0);
  const double peak_mb = peak_reset ? status_mb("VmHWM") : -1;
  const double rss_mb = status_mb("VmRSS");
  const auto registry = registries.current();
  const auto info = registries.info();

  std::size_t hits = 0;
  const double search_us = search_p95(*registry, &hits);
  gd::RegistrySource smaller{"40k", {}, {}};
  const std::size_t small_n = std::min<std::size_t>(40000, registry->size());
  smaller.establishments.assign(registry->establishments().begin(),
                                registry->establishments().begin() + small_n);
  const auto registry_40k = gd::Registry::from_source(std::move(smaller), nullptr);
  const double suggest_40k = suggest_p95(registry_40k, 100);
  const double suggest_all = suggest_p95(*registry, 100);

  std::printf("%-52s %14s\n", "measure", "value");
  std::printf("%-52s %14zu\n", "EJ generated", gen.organisations);
  std::printf("%-52s %14zu\n", "ET generated (closed)", gen.establishments);
  std::printf("%-52s %14.1f\n", "JSON text (MB)", gen.text_bytes / 1e6);
  std::printf("%-52s %14.1f\n", "gzip file (MB)", gz_bytes / 1e6);
  std::printf("%-52s %14.0f\n", "generation (ms, not a figure)", gen_ms);
  std::printf("%-52s %14zu\n", "establishments in service after the swap", info.establishments);
  std::printf("%-52s %14zu\n", "  organisations / closed", info.organisations);
  std::printf("%-52s %14zu\n", "  closed", info.closed);
  std::printf("%-52s %14.0f\n", "load: read + hash + index + swap (ms)", load_ms);
  std::printf("%-52s %14.1f\n", "RSS before the load (MB)", rss_before);
  std::printf("%-52s %14.1f\n", "peak RSS during the load (MB, VmHWM)", peak_mb);
  std::printf("%-52s %14.1f\n", "RSS after the swap (MB)", rss_mb);
  std::printf("%-52s %14.1f\n", "search p95 (us, 2,000 queries)", search_us);
  std::printf("%-52s %14zu\n", "  results returned", hits);
  std::printf("%-52s %14.2f\n", "suggest p95 (ms), 40,000 establishments", suggest_40k);
  std::printf("%-52s %14.2f\n", "suggest p95 (ms), all establishments", suggest_all);
  if (!a.keep) fs::remove_all(a.dir);
  auto na = [](double v, const char* fmt) {
    char buf[32];
    if (v < 0) return std::string("na");
    std::snprintf(buf, sizeof buf, fmt, v);
    return std::string(buf);
  };
  std::printf(
      "registry_load_ms=%.0f registry_peak_rss_mb=%s registry_rss_mb=%.0f "
      "search_p95_us=%.1f suggest_p95_ms=%s suggest_40k_p95_ms=%s\n",
      load_ms, na(peak_mb, "%.0f").c_str(), rss_mb, search_us, na(suggest_all, "%.2f").c_str(),
      na(suggest_40k, "%.2f").c_str());
  return 0;
}
