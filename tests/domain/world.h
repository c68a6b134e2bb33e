// A small world for domain tests: the demo registry, users of every role, a clock, and grappes
// and establishment streams kept by folding what decide() returns.
#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

#include "grappe/domain/config.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"
#include "grappe/domain/user.h"

namespace grappe::domain::testing {

// domain/data/demo-registry.csv, as the server reads it by default.
Registry load_demo_registry();
std::string demo_registry_path();

struct Recorded {
  Event event;
  EventMeta meta;
};

class World {
 public:
  explicit World(CallConfig config = CallConfig::builtin());

  Registry registry = load_demo_registry();
  CallConfig config;
  Timestamp now;

  // Organisations of the demo registry (FINESS EJ), and some of their establishments.
  std::string og_a, og_b, og_c, og_corse, og_reunion;
  std::vector<std::string> et_a, et_b, et_c;  // establishments of og_a, og_b, og_c

  User porteur, manager_b, outsider_c, ars, ars_other, auditor, admin;

  std::map<std::string, GrappeState> grappes;
  std::map<std::string, std::vector<Recorded>> history;  // grappe id → its events
  std::map<std::string, EsmsState> esms;

  Context context(const User& user, const std::string& grappe);
  // decide() against the current state; on success applies every event (grappe and esms).
  std::expected<Decision, Rejection> run(const std::string& grappe, const User& user,
                                         const Command& command);
  // run(), failing the test on a rejection.
  Decision must(const std::string& grappe, const User& user, const Command& command);

  const GrappeState& state(const std::string& grappe) { return grappes[grappe]; }
  std::string create(const std::string& grappe, const User& user, const std::string& porteur_ej,
                     const std::string& region = "75");
};

}  // namespace grappe::domain::testing
