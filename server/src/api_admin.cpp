// Admin API: users (GET/PUT/DELETE /api/admin/users[/{id}]). Projections, backup:
// api_admin_ops.cpp.
#include <openssl/rand.h>

#include "api_routes.h"
#include "grappe/domain/streams.h"
#include "json_util.h"
#include "users.h"
#include "ws_session.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

bool is_admin(const domain::User& u) {
  return u.role == domain::Role::kAdmin;
}

void put_user(Core& core, Request&& req, const domain::User& admin, const std::string& id,
              const Reply& reply) {
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return reply(error_response(req, 400, "bad_request", why));
  (*body)["id"] = id;
  auto user = domain::parse_user(*body);
  if (!user) return reply(error_response(req, 400, "bad_request", user.error()));
  bool created = !core.models.user(id).has_value();
  std::string token = created ? new_token() : std::string();
  auto shared_req = std::make_shared<Request>(std::move(req));
  save_user(core.store, core.models, *user, created ? sha256_hex(token) : std::string(), admin,
            [shared_req, reply, user = *user, token, created](bool ok) {
              if (!ok) {
                return reply(error_response(*shared_req, 500, "internal", "saving failed"));
              }
              auto answer = domain::to_json(user);
              if (created) answer["token"] = token;  // shown once, stored hashed
              reply(json_response(*shared_req, created ? 201 : 200, answer));
            });
}

void delete_user(Core& core, const Request& req, const domain::User& admin, const std::string& id,
                 const Reply& reply) {
  if (!core.models.user(id)) return reply(error_response(req, 404, "not_found", "no such user"));
  auto shared_req = std::make_shared<Request>(req);
  revoke_user(core.store, core.models, id, admin, [&core, shared_req, reply, id](bool ok) {
    if (!ok) return reply(error_response(*shared_req, 500, "internal", "saving failed"));
    core.sessions.close_user(id, kCloseUnauthorized);
    reply(json_response(*shared_req, 200, {{"id", id}, {"revoked", true}}));
  });
}

}  // namespace

void admin_users(Core& core, Request&& req, const domain::User& user, std::string_view rest,
                 const Reply& reply) {
  if (!is_admin(user)) return reply(error_response(req, 403, "forbidden", "admins only"));
  if (rest.empty() && req.method() == http::verb::get) {
    auto list = nlohmann::json::array();
    for (const auto& u : core.models.users()) list.push_back(domain::to_json(u));
    return reply(json_response(req, 200, {{"users", std::move(list)}}));
  }
  std::string id(rest.starts_with("/") ? rest.substr(1) : std::string_view{});
  if (id.empty() || !valid_client_id(id)) {
    return reply(error_response(req, 404, "not_found", "no such endpoint"));
  }
  if (req.method() == http::verb::put) return put_user(core, std::move(req), user, id, reply);
  if (req.method() == http::verb::delete_) return delete_user(core, req, user, id, reply);
  if (req.method() == http::verb::get) {
    auto found = core.models.user(id);
    if (!found) return reply(error_response(req, 404, "not_found", "no such user"));
    return reply(json_response(req, 200, domain::to_json(*found)));
  }
  reply(error_response(req, 405, "bad_request", "method not allowed"));
}

}  // namespace grappe::server
