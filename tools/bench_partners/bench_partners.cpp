// Partner suggestions benchmark (issue 8): a synthetic official extract of 40,000 medico-social
// establishments (the size of FINESS's medico-social part) with Lambert-93 `geolocalisation`
// lines, 4,000 profiles, 300 other grappes of the call; times suggest_partners() for a grappe of
// 20 members, recording the other grappes' memberships included. Prints a table, then one last line
// `suggest_p50_ms=N suggest_p95_ms=N`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"
#include "grappe/domain/suggestions.h"
#include "grappe/reference/registry_file.h"

namespace gd = grappe::domain;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kEstablishments = 40000;
constexpr int kOtherGrappes = 300;
constexpr int kMembers = 20;
constexpr int kRuns = 300;

const char* const kCategories[] = {"500", "183", "246", "255", "354", "460",
                                   "437", "182", "214", "177", "340", "202"};
const char* const kSoftwares[] = {"Logiciel A", "Logiciel B", "Logiciel C", "Logiciel D",
                                  "Logiciel E", "Logiciel F", "Logiciel G", "Logiciel H"};

std::string luhn_complete(const std::string& body) {  // 8 digits → 9 with the key
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

int departement_of(int i) {
  const int dep = 1 + i % 95;
  return dep == 20 ? 21 : dep;  // Corsica's numbers begin 2A/2B
}

// A synthetic cs1100507 extract: structureet lines, then their Lambert-93 geolocalisation lines.
std::string synthetic_extract(std::mt19937& rng) {
  std::string out = "finess;etalab;111;2026-05-12\n", geo;
  out.reserve(std::size_t{kEstablishments} * 260);
  std::uniform_real_distribution<double> spread(-30000, 30000);
  for (int i = 0; i < kEstablishments; ++i) {
    const int dep = departement_of(i);
    char depcode[4];
    std::snprintf(depcode, sizeof depcode, "%02d", dep);
    const std::string et = finess_for(dep, i), ej = finess_for(dep, 500000 + i / 6);
    out += "structureet;" + et + ";" + ej + ";ETAB " + std::to_string(i) + ";ETABLISSEMENT " +
           std::to_string(i) + ";;;1;R;DE LA PAIX;;;001;" + depcode + ";DEP;" +
           std::to_string(dep * 1000) + " VILLE" + std::to_string(i % 40) + ";0500000000;;" +
           kCategories[i % 12] + ";;;;;;;;;;2000-01-01;2000-01-01;2024-01-01;\n";
    // Each département around its own centre, inside metropolitan Lambert-93.
    const double cx = 150000 + (dep * 37 % 95) * 11000.0, cy = 6150000 + (dep * 53 % 95) * 10000.0;
    geo += "geolocalisation;" + et + ";" + std::to_string(cx + spread(rng)) + ";" +
           std::to_string(cy + spread(rng)) +
           ";1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole);2024-01-01\n";
  }
  return out + geo;
}

gd::GrappeState make_grappe(const std::string& id, const gd::Registry& registry,
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
  (void)registry;
  return s;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main() {
  std::mt19937 rng(42);
  const std::string extract = synthetic_extract(rng);
  const auto load_start = Clock::now();
  auto registry = grappe::reference::load_registry_bytes(extract, "synthetic", nullptr);
  const double load_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - load_start).count();
  if (!registry) {
    std::fprintf(stderr, "bench-partners: %s\n", registry.error().c_str());
    return 1;
  }
  const auto& all = registry->establishments();
  std::size_t located = 0;
  for (const auto& e : all) located += e.location ? 1 : 0;

  gd::PartnerFacts profiles;
  for (std::size_t i = 0; i < all.size(); i += 10) {
    gd::EstablishmentProfile p;
    p.dui = gd::Dui{"Éditeur", kSoftwares[(i / 10) % 8]};
    if (i % 200 == 0) p.looking_for_grappe = true;
    profiles.profiles.emplace(all[i].finess, std::move(p));
  }
  // The grappe: 20 establishments of Gironde; 300 other grappes of 20, half accepted.
  std::vector<const gd::Establishment*> gironde, pool;
  for (const auto& e : all) (e.departement == "33" ? gironde : pool).push_back(&e);
  gironde.resize(kMembers);
  const auto grappe = make_grappe("bench", *registry, gironde, true);
  std::shuffle(pool.begin(), pool.end(), rng);
  std::vector<gd::GrappeState> others;
  for (int g = 0; g < kOtherGrappes; ++g) {
    std::vector<const gd::Establishment*> members(pool.begin() + g * kMembers,
                                                  pool.begin() + (g + 1) * kMembers);
    others.push_back(make_grappe("other-" + std::to_string(g), *registry, members, g % 2 == 0));
  }

  std::vector<double> runs;
  std::size_t count = 0;
  for (int r = 0; r < kRuns; ++r) {
    gd::PartnerFacts facts = profiles;  // as the server gathers them from its read models
    const auto start = Clock::now();
    for (const auto& other : others) facts.add_other_grappe(grappe, other);
    const auto list = gd::suggest_partners(grappe, *registry, facts, {20, false});
    runs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    count = list.size();
  }
  const double p50 = percentile(runs, 0.5), p95 = percentile(runs, 0.95);
  std::printf("%-44s %12s\n", "measure", "value");
  std::printf("%-44s %12zu\n", "establishments in the registry", registry->size());
  std::printf("%-44s %12zu\n", "  located (Lambert-93 converted with PROJ)", located);
  std::printf("%-44s %12.1f\n", "registry load with conversion (ms)", load_ms);
  std::printf("%-44s %12zu\n", "profiles", profiles.profiles.size());
  std::printf("%-44s %12d\n", "other grappes of the call", kOtherGrappes);
  std::printf("%-44s %12zu\n", "suggestions returned", count);
  std::printf("%-44s %12.3f\n", "suggest p50 (ms)", p50);
  std::printf("%-44s %12.3f\n", "suggest p95 (ms)", p95);
  std::printf("suggest_p50_ms=%.3f suggest_p95_ms=%.3f\n", p50, p95);
  return p95 < 20 ? 0 : 1;
}
