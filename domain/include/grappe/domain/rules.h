// grappe/domain/rules.h — the eligibility rules, as data: each a named function from the grappe,
// the registry and the call to a RuleResult. `validate` runs them all.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"
#include "grappe/domain/validation.h"

namespace grappe::domain {

// An establishment's memberships (stream esms-<finess>), as the caller knows them.
using EsmsLookup = std::function<EsmsState(const std::string& finess)>;

// Every rule takes the same four arguments; `esms` may be empty (then cross-grappe facts are not
// checked).
using RuleFn = RuleResult (*)(const GrappeState&, const Registry&, const Call&,
                              const EsmsLookup& esms);

struct Rule {
  std::string_view name;
  RuleFn check;
};

// Accepted members ≥ call.threshold_for(region): pass; below: fail, or warn when the call lets
// the ARS review smaller projects.
RuleResult rule_min_size(const GrappeState&, const Registry&, const Call&, const EsmsLookup&);
// Accepted members outside the grappe's region: warn (inter-regional grappes are accepted).
RuleResult rule_same_region(const GrappeState&, const Registry&, const Call&, const EsmsLookup&);
// Accepted members also accepted in another grappe of the same call: fail.
RuleResult rule_exclusive_membership(const GrappeState&, const Registry&, const Call&,
                                     const EsmsLookup&);
// Accepted members of a category out of the programme's scope: fail; unclassified: warn.
RuleResult rule_eligible_category(const GrappeState&, const Registry&, const Call&,
                                  const EsmsLookup&);
// Accepted members no longer in the registry: fail.
RuleResult rule_known_establishment(const GrappeState&, const Registry&, const Call&,
                                    const EsmsLookup&);
// Invitations still unanswered: warn.
RuleResult rule_pending_invitations(const GrappeState&, const Registry&, const Call&,
                                    const EsmsLookup&);

// The rules in the order they are reported.
std::span<const Rule> all_rules();

// Runs every rule; eligible = no rule fails.
ValidationReport validate(const GrappeState& state, const Registry& registry, const Call& call,
                          const EsmsLookup& esms = {});

// What would make the grappe eligible, counting only the threshold: how many more acceptances
// are needed and which pending invitations (in invitation order, eligible ones first) could
// supply them. `blocking` lists the failing rules an acceptance cannot fix.
struct WhatIf {
  bool eligible_now = false;
  int accepted = 0;
  int threshold = 0;
  int missing = 0;                      // acceptances still needed (0 when enough)
  std::vector<std::string> pending;     // invited establishments whose acceptance would count
  bool reachable_with_pending = false;  // accepting all of `pending` reaches the threshold
  std::vector<std::string> blocking;    // failing rules other than min_size
};
WhatIf what_if(const GrappeState& state, const Registry& registry, const Call& call,
               const EsmsLookup& esms = {});
nlohmann::json to_json(const WhatIf& what_if);

}  // namespace grappe::domain
