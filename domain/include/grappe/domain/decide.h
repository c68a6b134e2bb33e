// grappe/domain/decide.h — the grappe decider: a command, the state and a context in, the events
// to append (or why not) out. Pure: no clock but ctx.now, no I/O.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "grappe/domain/commands.h"
#include "grappe/domain/config.h"
#include "grappe/domain/events.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/rejection.h"
#include "grappe/domain/state.h"
#include "grappe/domain/time.h"
#include "grappe/domain/user.h"

namespace grappe::domain {

// What a decision may look at besides the grappe. References must outlive the decide() call.
struct Context {
  const User& user;
  const Registry& registry;
  const CallConfig& config;
  Timestamp now;
  // The current fold of esms-<finess> (version 0 when the stream does not exist).
  std::function<EsmsState(const std::string& finess)> esms;
  // The grappe's id (the command envelope's `grappe`); needed by CreateGrappe, whose state has
  // no id yet. Ignored when state.id is set.
  std::string grappe_id = {};
};

// The events to append atomically: to the grappe's stream (expected version = state.version) and
// to establishments' streams at the given expected versions. Two racing accepts of one
// establishment both expect the same esms version, so the store lets only one through.
struct Decision {
  std::vector<Event> grappe;
  struct EsmsPart {
    std::string finess;
    std::uint64_t expected_version = 0;
    std::vector<Event> events;
  };
  std::vector<EsmsPart> esms;
};

// Rejections (PROTOCOL.md "Precise points"): CreateGrappe on an existing grappe → conflict; any
// other command on a missing grappe, or on one the user may not read → not_found; may read but not
// act → forbidden; membership commands on a submitted dossier, anything but comments after the
// decision → invalid_state; accept of an establishment accepted in another grappe of the same call
// → rule_violation with details.rule = "exclusive_membership"; invitation of an establishment
// the registry says is closed as of ctx.now → rule_violation with details.rule =
// "open_establishment" (and details.finess, details.closedOn). SubmitDossier always yields
// ValidationCompleted, and DossierSubmitted only when no rule fails.
std::expected<Decision, Rejection> decide(const GrappeState& state, const Command& command,
                                          const Context& ctx);

// Participants (gestionnaire of the porteur or of any member establishment, whatever its status),
// ARS of the grappe's region, auditors and admins. False for a grappe that does not exist.
bool may_read(const User& user, const GrappeState& state, const Registry& registry);

// True when `user` acts for the grappe's porteur.
bool is_porteur(const User& user, const GrappeState& state);

}  // namespace grappe::domain
