// The HTTP API's routing table and its dispatch: static files, access, then the route's handler.
#include <spdlog/spdlog.h>

#include "api_handlers.h"
#include "signin.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

const Router& api_router() {
  using enum Access;
  using V = http::verb;
  static const Router router({
      {V::get, "/healthz", kPublic, get_healthz},
      {V::get, "/metrics", kAnyone, get_metrics},
      {V::get, "/api/demo/users", kAnyone, get_demo_users},
      {V::get, "/api/auth/methods", kPublic, get_auth_methods},
      {V::get, "/api/me", kSession, get_me},
      {V::put, "/api/me/preferences", kSignedIn, put_preferences},
      {V::get, "/api/grappes", kSignedIn, get_grappes},
      {V::get, "/api/grappes/{grappe}", kSignedIn, get_grappe},
      {V::get, "/api/grappes/{grappe}/events", kSignedIn, get_grappe_events},
      {V::get, "/api/grappes/{grappe}/state", kSignedIn, get_grappe_state},
      {V::get, "/api/grappes/{grappe}/export.csv", kSignedIn, get_export_csv},
      {V::get, "/api/grappes/{grappe}/export.xlsx", kSignedIn, get_export_xlsx},
      {V::post, "/api/grappes/{grappe}/commands", kSignedIn, post_command},
      {V::get, "/api/grappes/{grappe}/suggestions", kSignedIn, get_suggestions},
      {V::get, "/api/establishments", kSession, get_establishments},
      {V::get, "/api/establishments/{finess}", kSignedIn, get_establishment},
      {V::put, "/api/establishments/{finess}/profile", kSignedIn, put_profile},
      {V::get, "/api/reference/regions", kSession, get_regions},
      {V::get, "/api/reference/calls", kSignedIn, get_calls},
      {V::get, "/api/registry", kSignedIn, get_registry},
      {V::get, "/api/admin/registry", kSignedIn, get_registry_status},
      {V::get, "/api/audit/verify", kSignedIn, get_verify},
      {V::get, "/checkpoint", kPublic, get_checkpoint},
      {V::get, "/api/log/key", kPublic, get_log_key},
      {V::get, "/api/log/proof/consistency", kPublic, get_consistency},
      {V::get, "/api/log/proof/inclusion", kSignedIn, get_inclusion},
      {V::post, "/api/log/cosignature", kPublic, post_cosignature},
      {V::get, "/api/grappes/{grappe}/receipt", kSignedIn, get_receipt},
      {V::get, "/api/admin/users", kSignedIn, list_users},
      {V::get, "/api/admin/users/{user}", kSignedIn, get_user},
      {V::put, "/api/admin/users/{user}", kSignedIn, put_user},
      {V::delete_, "/api/admin/users/{user}", kSignedIn, delete_user},
      {V::get, "/api/admin/projections", kSignedIn, list_projections},
      {V::post, "/api/admin/projections/{projection}/rebuild", kSignedIn, rebuild_projection},
      {V::post, "/api/admin/backup", kSignedIn, post_backup},
      {V::get, "/api/admin/notifications", kSignedIn, get_notifications},
      {V::post, "/api/admin/notifications/digest", kSignedIn, post_digest},
      {V::get, "/api/access-requests", kSession, get_access_requests},
      {V::post, "/api/access-requests", kSession, post_access_request},
      {V::post, "/api/access-requests/{request}/decision", kSignedIn, post_access_decision},
  });
  return router;
}

// /auth/login, /auth/callback (GET), /auth/logout (POST, CSRF-checked): only with --oidc-issuer.
void route_auth(ServerContext& ctx, Request&& req, const Peer& peer, const Reply& reply) {
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  Handler handler = nullptr;
  auto method = req.method();
  if (path == "/auth/login" && method == http::verb::get) handler = get_login;
  if (path == "/auth/callback" && method == http::verb::get) handler = get_callback;
  if (path == "/auth/logout" && method == http::verb::post) handler = post_logout;
  if (!handler) return reply(error_response(req, 404, "not_found", "no such endpoint"));
  if (handler != post_logout && !ctx.limits.signin_allowed(peer.address)) {
    return reply(error_response(req, 429, "rate_limited",
                                "too many sign-ins from this address; try again in a minute"));
  }
  if (handler == post_logout && !csrf_ok(ctx, req)) {
    return reply(error_response(req, 403, "forbidden",
                                "requête d’une autre origine refusée (en-tête Origin du serveur "
                                "ou X-Grappe-CSRF: 1 attendu)"));
  }
  Call call{std::move(req), peer, std::nullopt, {}, reply};
  handler(ctx, call);
}

void route(ServerContext& ctx, Request&& req, const Peer& peer, const Reply& reply) {
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.starts_with("/tile/") && req.method() == http::verb::get) {
    return reply(get_tile(ctx, req, path));
  }
  if (path.starts_with("/auth/") && ctx.signin) return route_auth(ctx, std::move(req), peer, reply);
  if (!path.starts_with("/api/") && path != "/healthz" && path != "/metrics" &&
      path != "/checkpoint") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return reply(error_response(req, 405, "bad_request", "method not allowed"));
    }
    return reply(serve_static(ctx, req));
  }
  auto found = api_router().find(req.method(), path);
  std::optional<domain::User> user;
  if (!found || found->route->access != Access::kPublic) {
    // A token is tried only while its address has not failed too often this minute.
    if (req.count(http::field::authorization) && ctx.limits.auth_blocked(peer.address)) {
      return reply(error_response(req, 429, "rate_limited",
                                  "too many failed sign-ins from this address; try again in a "
                                  "minute"));
    }
    user = bearer_user(ctx, req, peer);
  }
  // No Authorization header: a sign-in session's cookie stands for it (signin.h).
  std::optional<BrowserSession> session;
  if (!user && ctx.signin && !req.count(http::field::authorization) &&
      (!found || found->route->access != Access::kPublic)) {
    session = ctx.signin->sessions.find(cookie_value(req, kSessionCookie));
    if (session) user = session_user(ctx, session->identity);
    if (session && !csrf_ok(ctx, req)) {
      spdlog::info("http: {} {} by cookie refused: no Origin of ours nor {}", req.method_string(),
                   path, kCsrfHeader);
      return reply(error_response(req, 403, "forbidden",
                                  "requête d’une autre origine refusée (en-tête Origin du serveur "
                                  "ou X-Grappe-CSRF: 1 attendu)"));
    }
  }
  // Without a valid token, every path of the API but the open ones is unauthorized, known or not.
  const bool session_only = session && !user;
  if (!user && !session_only &&
      (!found || found->route->access == Access::kSignedIn ||
       found->route->access == Access::kSession)) {
    return reply(error_response(req, 401, "unauthorized", "a valid bearer token is required"));
  }
  if (!found) {
    const auto& miss = found.error();
    return reply(error_response(req, miss.status, miss.status == 405 ? "bad_request" : "not_found",
                                miss.message));
  }
  if (session_only && found->route->access == Access::kSignedIn) {
    return reply(error_response(req, 403, "forbidden",
                                "aucun compte pour cette adresse : faites une demande d’accès"));
  }
  Call call{std::move(req), peer, std::move(user), std::move(found->params), reply};
  if (session) {
    call.identity = session->identity;
    call.browser_session = session->hash;
  }
  found->route->handler(ctx, call);
}

}  // namespace

std::optional<domain::User> bearer_user(ServerContext& ctx, const Request& req, const Peer& peer) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view value = it->value();
  constexpr std::string_view kPrefix = "Bearer ";
  auto user =
      value.starts_with(kPrefix) ? ctx.authenticate(value.substr(kPrefix.size())) : std::nullopt;
  if (!user) ctx.limits.auth_failed(peer.address);
  return user;
}

Response rejection_response(const Request& req, const domain::Rejection& rejection) {
  return error_response(req, domain::http_status(rejection.code), domain::to_string(rejection.code),
                        rejection.message);
}

Response write_failure_response(const Request& req, const WriteError& error) {
  switch (error.failure) {
    case WriteFailure::kUnavailable:
      return error_response(req, 503, "unavailable",
                            "enregistrement momentanément impossible (disque plein ou erreur "
                            "d'écriture sur le serveur) : réessayez dans un instant");
    case WriteFailure::kConflict:
      return error_response(req, 409, "conflict",
                            "les données ont changé pendant l'enregistrement : réessayez");
    default:
      return error_response(req, 500, "internal",
                            "erreur d'enregistrement ; réessayez dans un instant");
  }
}

bool admins_only(Call& call) {
  if (call.user && call.user->role == domain::Role::kAdmin) return true;
  call.reply(error_response(call.req, 403, "forbidden", "admins only"));
  return false;
}

void handle_http(ServerContext& ctx, Request&& request, const Peer& peer, Reply reply) {
  try {
    route(ctx, std::move(request), peer, reply);
  } catch (const std::exception& e) {
    // A bug, not a client error: answer 500 and keep serving.
    spdlog::error("http: internal error: {}", e.what());
    Request bare;
    reply(error_response(bare, 500, "internal", "internal error"));
  }
}

}  // namespace grappe::server
