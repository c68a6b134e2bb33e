// GET /api/grappes/{grappe}/suggestions: partners the porteur could invite (PROTOCOL.md "Finding
// partners").
#include "api_handlers.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/profile.h"
#include "grappe/domain/suggestions.h"
#include "grappe/domain/time.h"

namespace grappe::server {
namespace {

// "YYYY-MM-DD" (UTC), the day the domain's rules call today.
std::string today() {
  return domain::format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now()))
      .substr(0, 10);
}

}  // namespace

void get_suggestions(ServerContext& ctx, Call& call) {
  const auto& req = call.req;
  const auto& reply = call.reply;
  const auto& user = *call.user;
  const auto& id = call.params.grappe;
  const auto limit = query_limit(req.target(), 20, 100);
  if (!limit) return reply(error_response(req, 400, "bad_request", "limit : entier de 1 à 100"));
  const auto include_unavailable = query_flag(req.target(), "includeUnavailable");
  if (!include_unavailable)
    return reply(error_response(req, 400, "bad_request", "includeUnavailable : true ou false"));
  const auto grappe = ctx.models.grappe(id);
  const auto registry = ctx.registries.current();
  if (!grappe || !domain::may_read(user, *grappe, *registry))
    return reply(error_response(req, 404, "not_found", "grappe introuvable"));
  const bool allowed = domain::is_porteur(user, *grappe) || user.role == domain::Role::kAuditor ||
                       user.role == domain::Role::kAdmin;
  if (!allowed)
    return reply(error_response(req, 403, "forbidden",
                                "seuls le porteur, les auditeurs et les administrateurs voient "
                                "les partenaires possibles"));
  domain::PartnerFacts facts;
  ctx.models.for_each_esms([&](const std::string& finess, const domain::EsmsState& s) {
    if (s.profile != domain::EstablishmentProfile{}) facts.profiles.emplace(finess, s.profile);
  });
  // Recorded while the read lock is held, instead of copying every grappe of the call.
  ctx.models.grappes([&](const domain::GrappeState& other) {
    facts.add_other_grappe(*grappe, other);
    return false;
  });
  auto list = nlohmann::json::array();
  for (const auto& s :
       domain::suggest_partners(*grappe, *registry, facts, {*limit, *include_unavailable, today()}))
    list.push_back(domain::to_json(s));
  reply(json_response(req, 200, {{"suggestions", std::move(list)}}));
}

}  // namespace grappe::server
