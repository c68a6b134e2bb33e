// Validation, submission, reopening and the ARS decision.
#include "decide_internal.h"
#include "grappe/domain/rules.h"

namespace grappe::domain::internal {
namespace {

ValidationCompleted run_validation(const GrappeState& s, const Context& ctx) {
  return ValidationCompleted{validate(s, ctx.registry, call_of(s, ctx), ctx.esms, today(ctx))};
}

std::optional<Rejection> check_status(const GrappeState& s, GrappeStatus wanted,
                                      std::string message) {
  if (s.status == wanted) return std::nullopt;
  return rejection(RejectionCode::kInvalidState, std::move(message),
                   {{"status", to_string(s.status)}});
}

}  // namespace

Decided decide_request_validation(const GrappeState& s, const RequestValidation&,
                                  const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  return only(run_validation(s, ctx));
}

Decided decide_submit(const GrappeState& s, const SubmitDossier&, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  const Call call = call_of(s, ctx);
  if (past_deadline(call, ctx))
    return std::unexpected(rejection(RejectionCode::kRuleViolation,
                                     "La date limite de dépôt de l'appel à projets est passée.",
                                     {{"rule", "deadline"}}));
  ValidationCompleted validation = run_validation(s, ctx);
  const bool eligible = validation.report.eligible;
  Decision d = only(std::move(validation));
  if (eligible) d.grappe.push_back(DossierSubmitted{});
  return d;
}

Decided decide_reopen(const GrappeState& s, const ReopenDossier& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_status(s, GrappeStatus::kSubmitted,
                            "Seul un dossier déposé et sans décision peut être rouvert."))
    return std::unexpected(*r);
  return only(DossierReopened{c.reason});
}

Decided decide_decision(const GrappeState& s, const RecordDecision& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (!instructs(ctx.user, s.region))
    return std::unexpected(rejection(RejectionCode::kForbidden,
                                     "Seule l'ARS de la région de la grappe rend la décision."));
  if (auto r = check_status(s, GrappeStatus::kSubmitted,
                            "La décision porte sur un dossier déposé, sans décision antérieure."))
    return std::unexpected(*r);
  return only(DecisionRecorded{c.accepted, c.comment});
}

}  // namespace grappe::domain::internal
