// Admin API: users (GET /api/admin/users, GET/PUT/DELETE /api/admin/users/{user}). Projections,
// backups: api_admin_ops.cpp.
#include <openssl/rand.h>

#include "api_handlers.h"
#include "grappe/domain/streams.h"
#include "json_util.h"
#include "users.h"
#include "ws_protocol.h"

namespace grappe::server {

namespace http = boost::beast::http;

void put_user(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  auto& req = call.req;
  const auto& reply = call.reply;
  const auto& id = call.params.user;
  const auto& admin = *call.user;
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return reply(error_response(req, 400, "bad_request", why));
  (*body)["id"] = id;
  auto user = domain::parse_user(*body);
  if (!user) return reply(error_response(req, 400, "bad_request", user.error()));
  auto current = ctx.models.user(id);
  if (current) keep_unstated(*user, *current, *body);
  if (auto holder = email_holder(ctx.models, *user)) {
    return reply(
        error_response(req, 409, "conflict", "cette adresse est déjà celle de " + *holder));
  }
  bool created = !current.has_value();
  const bool rights_changed = current && (current->role != user->role || current->og != user->og ||
                                          current->regions != user->regions);
  std::string token = created ? new_token() : std::string();
  auto shared_req = std::make_shared<Request>(std::move(req));
  save_user(ctx.writer, *user, created ? sha256_hex(token) : std::string(), admin,
            [&ctx, shared_req, reply, user = *user, token, created,
             rights_changed](const WriteOutcome& outcome) {
              if (!outcome) return reply(write_failure_response(*shared_req, outcome.error()));
              if (rights_changed) ctx.sessions.close_user(user.id, kCloseRightsChanged);
              auto answer = domain::to_json(user);
              if (created) answer["token"] = token;  // shown once, stored hashed
              reply(json_response(*shared_req, created ? 201 : 200, answer));
            });
}

// PUT /api/me/preferences {"notifications":"immediate"|"daily"|"off"}: a UserSaved of the user
// with only that changed (its token kept). Answers the user as GET /api/me.
void put_preferences(ServerContext& ctx, Call& call) {
  auto& req = call.req;
  const auto& reply = call.reply;
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return reply(error_response(req, 400, "bad_request", why));
  auto field = body->find("notifications");
  auto chosen = field != body->end() && field->is_string()
                    ? domain::parse_notifications(field->get_ref<const std::string&>())
                    : std::nullopt;
  if (!chosen) {
    return reply(error_response(req, 400, "bad_request",
                                "'notifications' attendu : immediate, daily ou off"));
  }
  auto user = ctx.models.user(call.user->id);
  if (!user) return reply(error_response(req, 404, "not_found", "no such user"));
  if (user->notifications == *chosen) return reply(json_response(req, 200, domain::to_json(*user)));
  user->notifications = *chosen;
  auto shared_req = std::make_shared<Request>(std::move(req));
  save_user(ctx.writer, *user, std::string(), *user,
            [shared_req, reply, user = *user](const WriteOutcome& outcome) {
              if (!outcome) return reply(write_failure_response(*shared_req, outcome.error()));
              reply(json_response(*shared_req, 200, domain::to_json(user)));
            });
}

void delete_user(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  const auto& req = call.req;
  const auto& reply = call.reply;
  const auto& id = call.params.user;
  const auto& admin = *call.user;
  if (!ctx.models.user(id)) return reply(error_response(req, 404, "not_found", "no such user"));
  auto shared_req = std::make_shared<Request>(req);
  revoke_user(ctx.writer, id, admin, [&ctx, shared_req, reply, id](const WriteOutcome& outcome) {
    if (!outcome) return reply(write_failure_response(*shared_req, outcome.error()));
    ctx.sessions.close_user(id, kCloseUnauthorized);
    reply(json_response(*shared_req, 200, {{"id", id}, {"revoked", true}}));
  });
}

void list_users(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  auto list = nlohmann::json::array();
  for (const auto& u : ctx.models.users()) list.push_back(domain::to_json(u));
  call.reply(json_response(call.req, 200, {{"users", std::move(list)}}));
}

void get_user(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  auto found = ctx.models.user(call.params.user);
  if (!found) return call.reply(error_response(call.req, 404, "not_found", "no such user"));
  call.reply(json_response(call.req, 200, domain::to_json(*found)));
}

}  // namespace grappe::server
