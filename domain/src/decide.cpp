#include "grappe/domain/decide.h"

#include <algorithm>

#include "decide_internal.h"

namespace grappe::domain {
namespace internal {

Rejection rejection(RejectionCode code, std::string message, nlohmann::json details) {
  return reject(code, std::move(message), std::move(details));
}

std::optional<Rejection> check_readable(const GrappeState& s, const Context& ctx) {
  if (s.exists() && may_read(ctx.user, s, ctx.registry)) return std::nullopt;
  return rejection(RejectionCode::kNotFound, "Grappe introuvable.");
}

std::optional<Rejection> check_porteur(const GrappeState& s, const Context& ctx) {
  if (is_porteur(ctx.user, s)) return std::nullopt;
  return rejection(RejectionCode::kForbidden,
                   "Seul l'organisme porteur de la grappe peut effectuer cette action.");
}

std::optional<Rejection> check_open(const GrappeState& s) {
  switch (s.status) {
    case GrappeStatus::kOpen:
      return std::nullopt;
    case GrappeStatus::kSubmitted:
      return rejection(RejectionCode::kInvalidState,
                       "Le dossier est déposé : rouvrez-le avant de modifier la grappe.",
                       {{"status", "submitted"}});
    default:
      return rejection(RejectionCode::kInvalidState,
                       "L'ARS a rendu sa décision : la grappe ne peut plus être modifiée.",
                       {{"status", to_string(s.status)}});
  }
}

bool past_deadline(const Call& call, const Context& ctx) {
  return call.deadline && format_timestamp(ctx.now) > *call.deadline;
}

std::string today(const Context& ctx) {
  return format_timestamp(ctx.now).substr(0, 10);
}

Call call_of(const GrappeState& s, const Context& ctx) {
  if (const Call* c = ctx.config.find(s.call)) return *c;
  Call fallback;
  fallback.id = s.call;
  fallback.label = s.call;
  return fallback;
}

EsmsState esms_of(const Context& ctx, const std::string& finess) {
  return ctx.esms ? ctx.esms(finess) : EsmsState{};
}

Decision only(Event event) {
  Decision d;
  d.grappe.push_back(std::move(event));
  return d;
}

Decided decide_comment(const GrappeState& s, const PostComment& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  const Role role = ctx.user.role;
  if (role == Role::kAuditor || role == Role::kAdmin)
    return std::unexpected(rejection(RejectionCode::kForbidden,
                                     "Les auditeurs et administrateurs ne commentent pas."));
  return only(CommentPosted{c.text});
}

}  // namespace internal

bool is_porteur(const User& user, const GrappeState& state) {
  return state.exists() && acts_for(user, state.porteur);
}

bool may_read(const User& user, const GrappeState& state, const Registry&) {
  if (!state.exists()) return false;
  switch (user.role) {
    case Role::kAuditor:
    case Role::kAdmin:
      return true;
    case Role::kArs:
      return instructs(user, state.region);
    case Role::kGestionnaire:
      break;
  }
  if (acts_for(user, state.porteur)) return true;
  return std::any_of(state.members.begin(), state.members.end(),
                     [&](const Member& m) { return acts_for(user, m.ej); });
}

std::expected<Decision, Rejection> decide(const GrappeState& state, const Command& command,
                                          const Context& ctx) {
  using namespace internal;
  return std::visit(
      [&](const auto& c) -> Decided {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateGrappe>)
          return decide_create(state, c, ctx);
        else if constexpr (std::is_same_v<T, UpdateDetails>)
          return decide_update(state, c, ctx);
        else if constexpr (std::is_same_v<T, InviteEstablishment>)
          return decide_invite(state, c, ctx);
        else if constexpr (std::is_same_v<T, RevokeInvitation>)
          return decide_revoke(state, c, ctx);
        else if constexpr (std::is_same_v<T, AcceptInvitation>)
          return decide_accept(state, c, ctx);
        else if constexpr (std::is_same_v<T, DeclineInvitation>)
          return decide_decline(state, c, ctx);
        else if constexpr (std::is_same_v<T, WithdrawMembership>)
          return decide_withdraw(state, c, ctx);
        else if constexpr (std::is_same_v<T, RemoveMember>)
          return decide_remove(state, c, ctx);
        else if constexpr (std::is_same_v<T, PostComment>)
          return decide_comment(state, c, ctx);
        else if constexpr (std::is_same_v<T, RequestValidation>)
          return decide_request_validation(state, c, ctx);
        else if constexpr (std::is_same_v<T, SubmitDossier>)
          return decide_submit(state, c, ctx);
        else if constexpr (std::is_same_v<T, ReopenDossier>)
          return decide_reopen(state, c, ctx);
        else
          return decide_decision(state, c, ctx);
      },
      command);
}

}  // namespace grappe::domain
