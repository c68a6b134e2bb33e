// Private: the pieces shared by the decide_x functions.
#pragma once

#include <expected>
#include <string>

#include "grappe/domain/decide.h"

namespace grappe::domain::internal {

using Decided = std::expected<Decision, Rejection>;

Rejection rejection(RejectionCode code, std::string message, nlohmann::json details = nullptr);

// not_found unless the grappe exists and the user may read it.
std::optional<Rejection> check_readable(const GrappeState& s, const Context& ctx);
// forbidden unless the user acts for the porteur.
std::optional<Rejection> check_porteur(const GrappeState& s, const Context& ctx);
// invalid_state unless the dossier is open (membership and detail changes).
std::optional<Rejection> check_open(const GrappeState& s);
// Past the call's deadline?
bool past_deadline(const Call& call, const Context& ctx);
// The date of ctx.now, "YYYY-MM-DD" (UTC): the day rules and decisions judge closures by.
std::string today(const Context& ctx);
// The call of the grappe; the built-in thresholds when the configuration no longer has it.
Call call_of(const GrappeState& s, const Context& ctx);
EsmsState esms_of(const Context& ctx, const std::string& finess);

Decision only(Event event);

Decided decide_create(const GrappeState&, const CreateGrappe&, const Context&);
Decided decide_update(const GrappeState&, const UpdateDetails&, const Context&);
Decided decide_invite(const GrappeState&, const InviteEstablishment&, const Context&);
Decided decide_revoke(const GrappeState&, const RevokeInvitation&, const Context&);
Decided decide_accept(const GrappeState&, const AcceptInvitation&, const Context&);
Decided decide_decline(const GrappeState&, const DeclineInvitation&, const Context&);
Decided decide_withdraw(const GrappeState&, const WithdrawMembership&, const Context&);
Decided decide_remove(const GrappeState&, const RemoveMember&, const Context&);
Decided decide_comment(const GrappeState&, const PostComment&, const Context&);
Decided decide_request_validation(const GrappeState&, const RequestValidation&, const Context&);
Decided decide_submit(const GrappeState&, const SubmitDossier&, const Context&);
Decided decide_reopen(const GrappeState&, const ReopenDossier&, const Context&);
Decided decide_decision(const GrappeState&, const RecordDecision&, const Context&);

}  // namespace grappe::domain::internal
