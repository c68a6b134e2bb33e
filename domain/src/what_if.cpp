#include <algorithm>

#include "grappe/domain/finess.h"
#include "grappe/domain/rules.h"

namespace grappe::domain {

WhatIf what_if(const GrappeState& state, const Registry& registry, const Call& call,
               const EsmsLookup& esms) {
  WhatIf w;
  const ValidationReport report = validate(state, registry, call, esms);
  w.eligible_now = report.eligible;
  w.accepted = state.counts.accepted;
  w.threshold = report.threshold;
  w.missing = std::max(0, w.threshold - w.accepted);
  for (const RuleResult& r : report.rules)
    if (r.outcome == Outcome::kFail && r.rule != "min_size") w.blocking.push_back(r.rule);
  // Invitations whose acceptance would count without adding a failure: eligible category, known
  // to the registry, not already accepted in another grappe of the call.
  std::vector<std::string> doubtful;
  for (const Member& m : state.members) {
    if (m.status != MemberStatus::kInvited) continue;
    const Category* c = find_category(m.category);
    if (c && !c->in_scope) continue;
    if (!registry.find(m.finess)) continue;
    if (esms && esms(m.finess).accepted_in(state.call)) continue;
    (c ? w.pending : doubtful).push_back(m.finess);
  }
  w.pending.insert(w.pending.end(), doubtful.begin(), doubtful.end());
  w.reachable_with_pending = static_cast<int>(w.pending.size()) >= w.missing;
  return w;
}

nlohmann::json to_json(const WhatIf& w) {
  return {{"eligibleNow", w.eligible_now}, {"accepted", w.accepted},
          {"threshold", w.threshold},      {"missing", w.missing},
          {"pending", w.pending},          {"reachableWithPending", w.reachable_with_pending},
          {"blocking", w.blocking}};
}

}  // namespace grappe::domain
