// CreateGrappe and UpdateDetails.
#include <algorithm>

#include "decide_internal.h"

namespace grappe::domain::internal {
namespace {

bool valid_grappe_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Rejection call_rejection(std::string message, std::string_view rule) {
  return rejection(RejectionCode::kRuleViolation, std::move(message), {{"rule", rule}});
}

}  // namespace

Decided decide_create(const GrappeState& s, const CreateGrappe& c, const Context& ctx) {
  if (s.exists())
    return std::unexpected(rejection(RejectionCode::kConflict, "Cette grappe existe déjà."));
  const std::string id = s.id.empty() ? ctx.grappe_id : s.id;
  if (!valid_grappe_id(id))
    return std::unexpected(rejection(RejectionCode::kBadRequest,
                                     "Identifiant de grappe invalide (1–64 [A-Za-z0-9_-])."));
  if (!acts_for(ctx.user, c.porteur))
    return std::unexpected(
        rejection(RejectionCode::kForbidden,
                  "Vous ne pouvez créer une grappe que pour un organisme que vous gérez."));
  const Call* call = ctx.config.find(c.call);
  if (!call) return std::unexpected(call_rejection("Appel à projets inconnu.", "unknown_call"));
  if (!call->open_in(c.region))
    return std::unexpected(
        call_rejection("Cet appel à projets n'est pas ouvert dans cette région.", "call_region"));
  if (past_deadline(*call, ctx))
    return std::unexpected(
        call_rejection("La date limite de l'appel à projets est passée.", "deadline"));
  return only(GrappeCreated{id, c.name, c.call, c.region, c.porteur, c.description, c.dui,
                            call->threshold_for(c.region)});
}

Decided decide_update(const GrappeState& s, const UpdateDetails& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  return only(DetailsUpdated{c.name, c.description, c.dui});
}

}  // namespace grappe::domain::internal
