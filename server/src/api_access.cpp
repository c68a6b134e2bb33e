// Access requests (PROTOCOL.md v2, access_requests.h): GET and POST /api/access-requests,
// POST /api/access-requests/{request}/decision. A sign-in session with no user yet may post one
// request at a time and list its own; admins list all, gestionnaires those naming one of their
// EJ. An approval writes AccessDecided, then the user (users.h) through the users stream.
#include <spdlog/spdlog.h>

#include "api_handlers.h"
#include "json_util.h"
#include "signin.h"
#include "users.h"
#include "ws_protocol.h"

namespace grappe::server {

namespace {

bool own(const Call& call, const AccessRequest& r) {
  return call.identity && !call.identity->email.empty() &&
         domain::email_key(call.identity->email) == domain::email_key(r.identity.email);
}

bool signin_configured(ServerContext& ctx, Call& call) {
  if (ctx.signin) return true;
  call.reply(error_response(call.req, 404, "not_found",
                            "les demandes d’accès suivent une connexion OpenID Connect, qui "
                            "n’est pas configurée sur ce serveur"));
  return false;
}

}  // namespace

void get_access_requests(ServerContext& ctx, Call& call) {
  if (!signin_configured(ctx, call)) return;
  auto list = nlohmann::json::array();
  std::size_t pending = 0;
  auto all = ctx.signin->access.list();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    bool visible = call.user ? may_see(*call.user, *it) || own(call, *it) : own(call, *it);
    if (!visible) continue;
    if (it->status == "pending") ++pending;
    if (it->status != "pending" && list.size() >= 200) continue;  // the recent decided ones
    list.push_back(to_json(*it));
  }
  call.reply(json_response(call.req, 200, {{"requests", list}, {"pending", pending}}));
}

void post_access_request(ServerContext& ctx, Call& call) {
  if (!signin_configured(ctx, call)) return;
  auto& req = call.req;
  if (!call.identity) {
    return call.reply(error_response(req, 403, "forbidden",
                                     "une demande d’accès se fait après s’être connecté avec "
                                     "ProConnect (OpenID Connect)"));
  }
  if (call.user) {
    return call.reply(error_response(req, 409, "conflict",
                                     "vous avez déjà un compte : demandez à un administrateur de "
                                     "modifier vos droits"));
  }
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return call.reply(error_response(req, 400, "bad_request", why));
  auto parsed = parse_access_request(*body, *call.identity);
  if (!parsed) return call.reply(error_response(req, 400, "bad_request", parsed.error()));
  for (const auto& r : ctx.signin->access.list()) {
    if (r.status == "pending" && own(call, r)) {
      return call.reply(error_response(req, 409, "conflict",
                                       "une demande est déjà en attente pour cette adresse"));
    }
  }
  auto shared_req = std::make_shared<Request>(std::move(req));
  auto reply = call.reply;
  ctx.signin->access.submit(std::move(*parsed), [shared_req, reply](auto saved) {
    if (!saved) {
      spdlog::error("access: request not written: {}", saved.error());
      return reply(error_response(*shared_req, 503, "unavailable",
                                  "enregistrement momentanément impossible : réessayez"));
    }
    spdlog::info("access: request {} by {}", saved->id, saved->identity.email);
    reply(json_response(*shared_req, 201, to_json(*saved)));
  });
}

void post_access_decision(ServerContext& ctx, Call& call) {
  if (!signin_configured(ctx, call)) return;
  auto& req = call.req;
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return call.reply(error_response(req, 400, "bad_request", why));
  auto decision = body->contains("decision") && (*body)["decision"].is_string()
                      ? (*body)["decision"].get<std::string>()
                      : std::string();
  if (decision != "approved" && decision != "refused") {
    return call.reply(
        error_response(req, 400, "bad_request", "decision : « approved » ou « refused »"));
  }
  if (body->contains("reason") && !(*body)["reason"].is_string())
    return call.reply(error_response(req, 400, "bad_request", "reason : un texte"));
  auto reason = body->value("reason", std::string());
  if (reason.size() > 2000)
    return call.reply(error_response(req, 400, "bad_request", "reason : 2000 caractères au plus"));
  auto found = ctx.signin->access.find(call.params.request);
  if (!found || !may_see(*call.user, *found))
    return call.reply(error_response(req, 404, "not_found", "aucune demande d’accès de ce nom"));
  if (!may_decide(*call.user, *found)) {
    return call.reply(error_response(req, 403, "forbidden",
                                     "seul un administrateur, ou un gestionnaire de chacune des "
                                     "entités demandées, peut décider"));
  }
  if (!call.user->email.empty() &&
      domain::email_key(call.user->email) == domain::email_key(found->identity.email)) {
    return call.reply(error_response(req, 403, "forbidden",
                                     "on ne décide pas d’une demande à sa propre adresse"));
  }
  bool approved = decision == "approved";
  auto existing = session_user(ctx, found->identity);
  // Approving gives rights to whoever holds the address now: only an admin may, for a user
  // that exists already.
  if (approved && existing && call.user->role != domain::Role::kAdmin) {
    return call.reply(error_response(req, 409, "conflict",
                                     "un compte existe déjà pour cette adresse : seul un "
                                     "administrateur peut approuver cette demande"));
  }
  auto user = approved_user(*found, existing);
  auto shared_req = std::make_shared<Request>(std::move(req));
  auto reply = call.reply;
  auto by = *call.user;
  ctx.signin->access.decide(
      found->id, approved, reason, by, user.id,
      [&ctx, shared_req, reply, approved, user, by, created = !existing](auto decided) {
        using E = AccessRequests::DecideError;
        if (!decided) {
          auto e = decided.error();
          return reply(e == E::kConflict
                           ? error_response(*shared_req, 409, "conflict", "demande déjà décidée")
                       : e == E::kNotFound
                           ? error_response(*shared_req, 404, "not_found", "aucune demande")
                           : error_response(*shared_req, 503, "unavailable",
                                            "enregistrement momentanément impossible"));
        }
        spdlog::info("access: request {} {} by {}", decided->id, decided->status, by.id);
        if (!approved) return reply(json_response(*shared_req, 200, to_json(*decided)));
        save_user(ctx.writer, user, created ? sha256_hex(new_token()) : std::string(), by,
                  [&ctx, shared_req, reply, answer = to_json(*decided),
                   user](const WriteOutcome& outcome) {
                    if (!outcome)
                      return reply(write_failure_response(*shared_req, outcome.error()));
                    ctx.sessions.close_user(user.id, kCloseRightsChanged);
                    reply(json_response(*shared_req, 200, answer));
                  });
      });
}

}  // namespace grappe::server
