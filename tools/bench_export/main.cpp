// bench-export (issue 21): a grappe of 200 members (accented names, a validation with every
// rule) exported as the server does it for GET /api/grappes/{id}/export.xlsx and .csv: the
// document built from the state and the registry, then the file written to a temporary folder.
//   bench-export [--members N (200)] [--runs N (30)]
// Prints a table, then one last line: export_xlsx_ms=N export_csv_ms=N (p95 of the runs).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "export.h"
#include "grappe/domain/state.h"

namespace gd = grappe::domain;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

std::string finess(int n) {
  char text[16];
  std::snprintf(text, sizeof text, "33%07d", n);
  return text;
}

gd::Registry make_registry(int members) {
  gd::RegistrySource source{"bench", {}, {}};
  for (int i = 0; i < members; ++i) {
    gd::Establishment e;
    e.finess = finess(1000 + i);
    e.ej = finess(100 + i % 12);
    e.name = "EHPAD Résidence « Les Châtaigniers » n° " + std::to_string(i) + " (fictif)";
    e.category = i % 3 ? "500" : "354";
    e.category_label = i % 3 ? "Établissement d'hébergement pour personnes âgées dépendantes"
                             : "Service de soins infirmiers à domicile";
    e.departement = "33";
    e.region = "75";
    e.commune = "Lesparre-Médoc";
    source.establishments.push_back(e);
    source.ej_names[e.ej] = "Association Les Chênes Verts n° " + std::to_string(i % 12);
  }
  return gd::Registry::from_source(std::move(source), nullptr);
}

gd::GrappeState make_grappe(const gd::Registry& registry) {
  gd::GrappeState s;
  std::uint64_t v = 0;
  auto apply = [&](gd::Event e) {
    s = gd::evolve(s, e, gd::EventMeta{++v, "2026-12-07T10:15:02.123Z", "porteur", "Porteur"});
  };
  const auto& all = registry.establishments();
  apply(gd::GrappeCreated{"bench", "Grappe du Médoc", "default", "75", all.front().ej, "",
                          gd::Dui{"Éditeur A", "Logiciel A"}, 15});
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& e = all[i];
    apply(gd::EstablishmentInvited{e.finess, e.ej, e.name, e.category, e.departement, ""});
    if (i % 4 != 0) apply(gd::InvitationAccepted{e.finess});
  }
  gd::ValidationReport report{true, s.counts.accepted, 15, "bench 2026-12-07 0123456789ab", {}};
  for (const char* rule :
       {"min_size", "min_organisations", "same_region", "exclusive_membership", "eligible_category",
        "known_establishment", "open_establishment", "pending_invitations"}) {
    report.rules.push_back({rule, gd::Outcome::kPass, "Règle respectée : détail en français.", {}});
  }
  apply(gd::ValidationCompleted{report});
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int members = 200, runs = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string s = argv[i];
    if (s == "--members") members = std::atoi(argv[i + 1]);
    if (s == "--runs") runs = std::atoi(argv[i + 1]);
  }
  if (members < 1 || members > 100000 || runs < 1 || argc % 2 == 0) {
    std::fprintf(stderr, "usage: bench-export [--members N (200)] [--runs N (30)]\n");
    return 2;
  }
  std::string dir_template = (fs::temp_directory_path() / "grappe-bench-export-XXXXXX").string();
  if (!mkdtemp(dir_template.data())) return 2;
  const fs::path dir = dir_template;
  const auto registry = make_registry(members);
  const auto state = make_grappe(registry);
  const auto config = gd::CallConfig::builtin();
  const grappe::server::ExportCheckpoint checkpoint{
      "grappe/bench", 123456, "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", 123000};
  std::vector<double> xlsx_ms, csv_ms;
  std::uintmax_t xlsx_bytes = 0, csv_bytes = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    auto doc = grappe::server::make_export(state, registry, config, checkpoint,
                                           "2026-12-07T21:00:00.000Z");
    auto written = grappe::server::write_xlsx(doc, dir / "export.xlsx");
    xlsx_ms.push_back(ms_since(t0));
    if (!written) {
      std::fprintf(stderr, "bench-export: %s\n", written.error().c_str());
      return 1;
    }
    t0 = Clock::now();
    doc = grappe::server::make_export(state, registry, config, checkpoint,
                                      "2026-12-07T21:00:00.000Z");
    std::FILE* out = std::fopen((dir / "export.csv").c_str(), "wb");
    const bool ok = out && grappe::server::write_csv(doc, out);
    if (out) std::fclose(out);
    csv_ms.push_back(ms_since(t0));
    if (!ok) return 1;
  }
  xlsx_bytes = fs::file_size(dir / "export.xlsx");
  csv_bytes = fs::file_size(dir / "export.csv");
  fs::remove_all(dir);

  std::printf("%-44s %12s\n", "measure", "value");
  std::printf("%-44s %12zu\n", "members in the grappe", state.members.size());
  std::printf("%-44s %12d\n", "runs", runs);
  std::printf("%-44s %12.2f\n", "XLSX: document + file, median (ms)", percentile(xlsx_ms, 0.5));
  std::printf("%-44s %12.2f\n", "XLSX: document + file, p95 (ms)", percentile(xlsx_ms, 0.95));
  std::printf("%-44s %12.1f\n", "XLSX size (KB)", xlsx_bytes / 1024.0);
  std::printf("%-44s %12.2f\n", "CSV: document + file, median (ms)", percentile(csv_ms, 0.5));
  std::printf("%-44s %12.2f\n", "CSV: document + file, p95 (ms)", percentile(csv_ms, 0.95));
  std::printf("%-44s %12.1f\n", "CSV size (KB)", csv_bytes / 1024.0);
  std::printf("export_xlsx_ms=%.1f export_csv_ms=%.1f\n", percentile(xlsx_ms, 0.95),
              percentile(csv_ms, 0.95));
  return 0;
}
