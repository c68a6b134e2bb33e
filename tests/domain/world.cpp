#include "world.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

namespace grappe::domain::testing {

std::string demo_registry_path() {
  return std::string(GRAPPE_DOMAIN_DATA_DIR) + "/demo-registry.csv";
}

// Reading registry files is grappe::reference's job, which the domain's tests do not link: the
// demo registry is plain (no quotes, fixed columns), so a split on commas reads it here.
Registry load_demo_registry() {
  std::ifstream in(demo_registry_path());
  std::string line;
  if (!std::getline(in, line) || line != "finess,ej,name,category,departement,commune,ej_name")
    throw std::runtime_error(demo_registry_path() + ": unexpected header");
  RegistrySource source{"demo-registry.csv", {}, {}};
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    for (std::size_t start = 0, end = 0; end != std::string::npos; start = end + 1)
      f.push_back(line.substr(start, (end = line.find(',', start)) - start));
    if (f.size() != 7) throw std::runtime_error("demo registry: bad line " + line);
    Establishment e{f[0], f[1], f[6], f[2], f[3], "", f[4], "", f[5], false};
    std::string warning;
    if (const auto reason = check_establishment(e, warning); !reason.empty() || !warning.empty())
      throw std::runtime_error("demo registry: " + line + ": " + reason + warning);
    source.ej_names.emplace(e.ej, e.ej_name);
    source.establishments.push_back(std::move(e));
  }
  return Registry::from_source(std::move(source), nullptr);
}

namespace {

std::vector<std::string> finess_of(const Registry& registry, const std::string& ej) {
  std::vector<std::string> out;
  for (const Establishment* e : registry.by_ej(ej))
    if (e->in_scope) out.push_back(e->finess);
  return out;
}

}  // namespace

World::World(CallConfig c) : config(std::move(c)), now(*parse_timestamp("2026-11-23T10:00:00Z")) {
  const auto& all = registry.establishments();
  og_a = all.front().ej;  // Association Les Chênes Verts, Gironde/Dordogne
  for (const auto& e : all) {
    if (e.departement == "64" && og_b.empty()) og_b = e.ej;
    if (e.departement == "17" && og_c.empty()) og_c = e.ej;
    if (e.departement == "2A" && og_corse.empty()) og_corse = e.ej;
    if (e.departement == "974" && og_reunion.empty()) og_reunion = e.ej;
  }
  et_a = finess_of(registry, og_a);
  et_b = finess_of(registry, og_b);
  et_c = finess_of(registry, og_c);
  porteur = User{"u-porteur", "Paule Porteur", Role::kGestionnaire, {og_a}, {}};
  manager_b = User{"u-b", "Bruno Gestionnaire", Role::kGestionnaire, {og_b}, {}};
  outsider_c = User{"u-c", "Chloé Tiers", Role::kGestionnaire, {og_c}, {}};
  ars = User{"u-ars", "Anne ARS", Role::kArs, {}, {"75"}};
  ars_other = User{"u-ars-idf", "Ali ARS IDF", Role::kArs, {}, {"11"}};
  auditor = User{"u-audit", "Aude Auditrice", Role::kAuditor, {}, {}};
  admin = User{"u-admin", "Adam Admin", Role::kAdmin, {}, {}};
}

Context World::context(const User& user, const std::string& grappe) {
  return Context{
      user,  registry, config, now, [this](const std::string& finess) { return esms[finess]; },
      grappe};
}

std::expected<Decision, Rejection> World::run(const std::string& grappe, const User& user,
                                              const Command& command) {
  auto decided = decide(grappes[grappe], command, context(user, grappe));
  if (!decided) return decided;
  const std::string at = format_timestamp(now);
  for (const Event& e : decided->grappe) {
    GrappeState& s = grappes[grappe];
    EventMeta meta{s.version + 1, at, user.id, user.name};
    s = evolve(std::move(s), e, meta);
    history[grappe].push_back({e, meta});
  }
  for (const auto& part : decided->esms) {
    EsmsState& s = esms[part.finess];
    EXPECT_EQ(part.expected_version, s.version);
    for (const Event& e : part.events)
      s = evolve_esms(std::move(s), e, EventMeta{s.version + 1, at, user.id, user.name});
  }
  now += std::chrono::seconds(1);
  return decided;
}

Decision World::must(const std::string& grappe, const User& user, const Command& command) {
  auto d = run(grappe, user, command);
  if (!d) {
    ADD_FAILURE() << command_name(command) << " rejected: " << to_string(d.error().code) << " "
                  << d.error().message;
    return {};
  }
  return *d;
}

std::string World::create(const std::string& grappe, const User& user,
                          const std::string& porteur_ej, const std::string& region) {
  must(grappe, user, CreateGrappe{"Grappe " + grappe, "default", region, porteur_ej, "", {}});
  return grappe;
}

}  // namespace grappe::domain::testing
