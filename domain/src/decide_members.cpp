// Invitations and memberships: invite, revoke, accept, decline, withdraw, remove.
#include "decide_internal.h"
#include "grappe/domain/rules.h"

namespace grappe::domain::internal {
namespace {

using Json = nlohmann::json;

std::expected<const Member*, Rejection> member_of(const GrappeState& s, const std::string& finess) {
  if (const Member* m = s.member(finess)) return m;
  return std::unexpected(rejection(RejectionCode::kNotFound,
                                   "Cet établissement n'a pas été invité dans cette grappe.",
                                   {{"finess", finess}}));
}

Rejection wrong_status(const Member& m, std::string message) {
  return rejection(RejectionCode::kInvalidState, std::move(message),
                   {{"finess", m.finess}, {"memberStatus", to_string(m.status)}});
}

std::optional<Rejection> check_establishment_manager(const Member& m, const Context& ctx) {
  if (acts_for(ctx.user, m.ej)) return std::nullopt;
  return rejection(RejectionCode::kForbidden,
                   "Seul le gestionnaire de l'établissement peut répondre pour lui.");
}

// Refuses an establishment the registry says is closed (rule open_establishment); `what` is
// what it cannot do ("être invité").
std::optional<Rejection> check_not_closed(const Establishment& e, const Context& ctx,
                                          std::string_view what) {
  if (!closed_on_or_before(e, today(ctx))) return std::nullopt;
  return rejection(
      RejectionCode::kRuleViolation,
      "Cet établissement est fermé au répertoire FINESS depuis le " + french_date(e.closed_on) +
          " : il ne peut pas " + std::string(what) + ".",
      {{"rule", "open_establishment"}, {"finess", e.finess}, {"closedOn", e.closed_on}});
}

// The other grappe of the call where `finess` is already accepted, if any.
std::optional<std::string> accepted_elsewhere(const GrappeState& s, const EsmsState& e) {
  for (const auto& m : e.memberships)
    if (m.call == s.call && m.status == "accepted" && m.grappe != s.id) return m.grappe;
  return std::nullopt;
}

// Appends an acceptance to `d`: the grappe's event and the establishment's membership.
void accept_into(Decision& d, const GrappeState& s, const std::string& finess,
                 const EsmsState& esms) {
  d.grappe.push_back(InvitationAccepted{finess});
  d.esms.push_back({finess, esms.version, {MembershipRecorded{s.id, s.call}}});
}

Decision end_membership(Event grappe_event, const GrappeState& s, const std::string& finess,
                        std::string reason, const Context& ctx) {
  Decision d = only(std::move(grappe_event));
  const EsmsState esms = esms_of(ctx, finess);
  d.esms.push_back({finess, esms.version, {MembershipEnded{s.id, s.call, std::move(reason)}}});
  return d;
}

}  // namespace

Decided decide_invite(const GrappeState& s, const InviteEstablishment& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  const Establishment* e = ctx.registry.find(c.finess);
  if (!e)
    return std::unexpected(rejection(RejectionCode::kNotFound,
                                     "Établissement inconnu du répertoire FINESS.",
                                     {{"finess", c.finess}}));
  if (auto r = check_not_closed(*e, ctx, "être invité")) return std::unexpected(*r);
  if (const Member* m = s.member(c.finess);
      m && (m->status == MemberStatus::kInvited || m->status == MemberStatus::kAccepted))
    return std::unexpected(wrong_status(*m, "Cet établissement est déjà invité ou membre."));
  Decision d =
      only(EstablishmentInvited{e->finess, e->ej, e->name, e->category, e->departement, c.message});
  if (e->ej == s.porteur) {  // the porteur's own establishments join at once, when free
    const EsmsState esms = esms_of(ctx, e->finess);
    if (!accepted_elsewhere(s, esms)) accept_into(d, s, e->finess, esms);
  }
  return d;
}

Decided decide_revoke(const GrappeState& s, const RevokeInvitation& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  auto m = member_of(s, c.finess);
  if (!m) return std::unexpected(m.error());
  if ((*m)->status != MemberStatus::kInvited)
    return std::unexpected(wrong_status(**m, "Seule une invitation en attente peut être retirée."));
  return only(InvitationRevoked{c.finess});
}

Decided decide_accept(const GrappeState& s, const AcceptInvitation& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  auto m = member_of(s, c.finess);
  if (!m) return std::unexpected(m.error());
  if (auto r = check_establishment_manager(**m, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  if ((*m)->status != MemberStatus::kInvited)
    return std::unexpected(
        wrong_status(**m, "Aucune invitation en attente pour cet établissement."));
  // Invited while open, closed since (a newer registry, or the announced date has passed).
  if (const Establishment* e = ctx.registry.find(c.finess))
    if (auto r = check_not_closed(*e, ctx, "rejoindre la grappe")) return std::unexpected(*r);
  const EsmsState esms = esms_of(ctx, c.finess);
  if (auto other = accepted_elsewhere(s, esms))
    return std::unexpected(
        rejection(RejectionCode::kRuleViolation,
                  "Cet établissement est déjà membre d'une autre grappe du même appel à projets.",
                  {{"rule", "exclusive_membership"}, {"finess", c.finess}, {"grappe", *other}}));
  Decision d;
  accept_into(d, s, c.finess, esms);
  return d;
}

Decided decide_decline(const GrappeState& s, const DeclineInvitation& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  auto m = member_of(s, c.finess);
  if (!m) return std::unexpected(m.error());
  if (auto r = check_establishment_manager(**m, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  if ((*m)->status != MemberStatus::kInvited)
    return std::unexpected(
        wrong_status(**m, "Aucune invitation en attente pour cet établissement."));
  return only(InvitationDeclined{c.finess, c.reason});
}

Decided decide_withdraw(const GrappeState& s, const WithdrawMembership& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  auto m = member_of(s, c.finess);
  if (!m) return std::unexpected(m.error());
  if (auto r = check_establishment_manager(**m, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  if ((*m)->status != MemberStatus::kAccepted)
    return std::unexpected(wrong_status(**m, "Cet établissement n'est pas membre de la grappe."));
  return end_membership(MembershipWithdrawn{c.finess, c.reason}, s, c.finess, "withdrawn", ctx);
}

Decided decide_remove(const GrappeState& s, const RemoveMember& c, const Context& ctx) {
  if (auto r = check_readable(s, ctx)) return std::unexpected(*r);
  if (auto r = check_porteur(s, ctx)) return std::unexpected(*r);
  if (auto r = check_open(s)) return std::unexpected(*r);
  auto m = member_of(s, c.finess);
  if (!m) return std::unexpected(m.error());
  if ((*m)->status != MemberStatus::kAccepted)
    return std::unexpected(wrong_status(**m, "Cet établissement n'est pas membre de la grappe."));
  return end_membership(MemberRemoved{c.finess, c.reason}, s, c.finess, "removed", ctx);
}

}  // namespace grappe::domain::internal
