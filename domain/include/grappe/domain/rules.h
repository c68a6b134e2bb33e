// grappe/domain/rules.h — the eligibility rules, as data: each a named function from the grappe,
// the registry and the call to a RuleResult. `validate` runs them all.
#pragma once

#include <functional>
#include <optional>
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

// Every rule takes the same five arguments; `esms` may be empty (then cross-grappe facts are not
// checked); `today` is the validation's date, "YYYY-MM-DD" (decide() takes it from ctx.now), or
// empty when no clock is at hand: then any closing date counts as past.
using RuleFn = RuleResult (*)(const GrappeState&, const Registry&, const Call&,
                              const EsmsLookup& esms, std::string_view today);

// True when the registry gives `e` a closing date on or before `today` (any closing date when
// `today` is empty).
bool closed_on_or_before(const Establishment& e, std::string_view today);
// "2025-03-12" → "12/03/2025"; anything else as is.
std::string french_date(std::string_view iso_date);

struct Rule {
  std::string_view name;
  RuleFn check;
};

// Accepted members ≥ call.threshold_for(region): pass; below: fail, or warn when the call lets
// the ARS review smaller projects.
RuleResult rule_min_size(const GrappeState&, const Registry&, const Call&, const EsmsLookup&,
                         std::string_view today = {});
// Accepted members belong to at least call.min_organisations_for(region) distinct organisations
// (FINESS EJ), or one organisation alone has at least call.threshold_for(region) of them (an OG
// of that size may apply alone; the detail says so): pass; otherwise fail, or warn when the call
// lets the ARS review smaller projects. Names no establishment.
RuleResult rule_min_organisations(const GrappeState&, const Registry&, const Call&,
                                  const EsmsLookup&, std::string_view today = {});
// Accepted members ≤ call.max_members when the call sets it (else pass): pass; more: fail.
RuleResult rule_max_size(const GrappeState&, const Registry&, const Call&, const EsmsLookup&,
                         std::string_view today = {});
// Accepted members outside the grappe's region: warn (inter-regional grappes are accepted).
RuleResult rule_same_region(const GrappeState&, const Registry&, const Call&, const EsmsLookup&,
                            std::string_view today = {});
// Accepted members also accepted in another grappe of the same call: fail.
RuleResult rule_exclusive_membership(const GrappeState&, const Registry&, const Call&,
                                     const EsmsLookup&, std::string_view today = {});
// Accepted members of a category out of the programme's scope: fail; unclassified: warn.
RuleResult rule_eligible_category(const GrappeState&, const Registry&, const Call&,
                                  const EsmsLookup&, std::string_view today = {});
// Accepted members no longer in the registry: fail.
RuleResult rule_known_establishment(const GrappeState&, const Registry&, const Call&,
                                    const EsmsLookup&, std::string_view today = {});
// Accepted members closed in the registry on or before `today`: fail, each named with its
// closing date; a closing date still to come: warn. Members the registry lacks are
// known_establishment's.
RuleResult rule_open_establishment(const GrappeState&, const Registry&, const Call&,
                                   const EsmsLookup&, std::string_view today = {});
// Invitations still unanswered: warn.
RuleResult rule_pending_invitations(const GrappeState&, const Registry&, const Call&,
                                    const EsmsLookup&, std::string_view today = {});

// The rules in the order they are reported.
std::span<const Rule> all_rules();

// Runs every rule; eligible = no rule fails. `today` as for RuleFn.
ValidationReport validate(const GrappeState& state, const Registry& registry, const Call& call,
                          const EsmsLookup& esms = {}, std::string_view today = {});

// What would make the grappe eligible, counting the threshold and the organisations: how many
// more acceptances are needed and which pending invitations (in invitation order, eligible ones
// first) could supply them. An invitation counts unless its acceptance would add a failure: a
// category out of scope, unknown to the registry, closed (as of `today`), or accepted in another
// grappe of the call. `blocking` lists the failing rules an acceptance cannot fix.
struct WhatIf {
  bool eligible_now = false;
  int accepted = 0;
  int threshold = 0;
  int missing = 0;                   // acceptances still needed (0 when enough)
  std::vector<std::string> pending;  // invited establishments whose acceptance would count
  // Accepting all of `pending` reaches the threshold and satisfies min_organisations, within
  // max_members.
  bool reachable_with_pending = false;
  std::vector<std::string> blocking;   // failing rules other than min_size and min_organisations
  int organisations = 0;               // distinct EJ of the accepted members
  int min_organisations = 0;           // call.min_organisations_for(region)
  int organisations_with_pending = 0;  // distinct EJ if every one of `pending` were accepted
  bool organisations_ok = false;       // min_organisations passes now
  std::optional<int> max_members;      // the call's, when it sets one
};
WhatIf what_if(const GrappeState& state, const Registry& registry, const Call& call,
               const EsmsLookup& esms = {}, std::string_view today = {});
// {"eligibleNow","accepted","threshold","missing","pending","reachableWithPending","blocking",
//  "organisations","minOrganisations","organisationsWithPending","organisationsOk",
//  "maxMembers": N|null}
nlohmann::json to_json(const WhatIf& what_if);

}  // namespace grappe::domain
