#include <algorithm>
#include <map>

#include "grappe/domain/finess.h"
#include "grappe/domain/rules.h"

namespace grappe::domain {
namespace {

// Accepted members per organisation (FINESS EJ), plus those of `extra` when given.
std::map<std::string, int> per_organisation(const GrappeState& state,
                                            const std::vector<std::string>& extra = {}) {
  std::map<std::string, int> out;
  for (const Member& m : state.members)
    if (m.status == MemberStatus::kAccepted) ++out[m.ej];
  for (const std::string& finess : extra)
    if (const Member* m = state.member(finess)) ++out[m->ej];
  return out;
}

// min_organisations's test: enough organisations, or one of them alone at the threshold.
bool organisations_ok(const std::map<std::string, int>& per_ej, int wanted, int threshold) {
  if (static_cast<int>(per_ej.size()) >= wanted) return true;
  return std::any_of(per_ej.begin(), per_ej.end(),
                     [threshold](const auto& og) { return og.second >= threshold; });
}

// Invitations whose acceptance would count without adding a failure: eligible category, known
// to the registry and open, not already accepted in another grappe of the call. Unclassified
// categories last.
std::vector<std::string> countable_invitations(const GrappeState& state, const Registry& registry,
                                               const EsmsLookup& esms, std::string_view today) {
  std::vector<std::string> pending, doubtful;
  for (const Member& m : state.members) {
    if (m.status != MemberStatus::kInvited) continue;
    const Category* c = find_category(m.category);
    if (c && !c->in_scope) continue;
    const Establishment* e = registry.find(m.finess);
    if (!e || closed_on_or_before(*e, today)) continue;
    if (esms && esms(m.finess).accepted_in(state.call)) continue;
    (c ? pending : doubtful).push_back(m.finess);
  }
  pending.insert(pending.end(), doubtful.begin(), doubtful.end());
  return pending;
}

}  // namespace

WhatIf what_if(const GrappeState& state, const Registry& registry, const Call& call,
               const EsmsLookup& esms, std::string_view today) {
  WhatIf w;
  const ValidationReport report = validate(state, registry, call, esms, today);
  w.eligible_now = report.eligible;
  w.accepted = state.counts.accepted;
  w.threshold = report.threshold;
  w.missing = std::max(0, w.threshold - w.accepted);
  for (const RuleResult& r : report.rules)
    if (r.outcome == Outcome::kFail && r.rule != "min_size" && r.rule != "min_organisations")
      w.blocking.push_back(r.rule);
  w.pending = countable_invitations(state, registry, esms, today);
  w.min_organisations = call.min_organisations_for(state.region);
  w.max_members = call.max_members;
  const auto now = per_organisation(state);
  const auto then = per_organisation(state, w.pending);
  w.organisations = static_cast<int>(now.size());
  w.organisations_with_pending = static_cast<int>(then.size());
  w.organisations_ok = organisations_ok(now, w.min_organisations, w.threshold);
  w.reachable_with_pending = static_cast<int>(w.pending.size()) >= w.missing &&
                             organisations_ok(then, w.min_organisations, w.threshold) &&
                             (!w.max_members || w.threshold <= *w.max_members);
  return w;
}

nlohmann::json to_json(const WhatIf& w) {
  return {{"eligibleNow", w.eligible_now},
          {"accepted", w.accepted},
          {"threshold", w.threshold},
          {"missing", w.missing},
          {"pending", w.pending},
          {"reachableWithPending", w.reachable_with_pending},
          {"blocking", w.blocking},
          {"organisations", w.organisations},
          {"minOrganisations", w.min_organisations},
          {"organisationsWithPending", w.organisations_with_pending},
          {"organisationsOk", w.organisations_ok},
          {"maxMembers", w.max_members ? nlohmann::json(*w.max_members) : nlohmann::json()}};
}

}  // namespace grappe::domain
