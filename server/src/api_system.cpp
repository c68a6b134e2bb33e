// GET /healthz, /metrics, /api/demo/users, /api/auth/methods and /api/me.
#include "api_handlers.h"
#include "identity.h"

namespace grappe::server {

namespace http = boost::beast::http;

void get_healthz(ServerContext& ctx, Call& call) {
  // Degraded: the log cannot be written (commands are answered `unavailable`); reads go on.
  const auto health = ctx.store.health();
  const auto position = ctx.store.last_position();
  if (health.degraded) {
    return call.reply(
        json_response(call.req, 503,
                      {{"status", "degraded"}, {"reason", health.reason}, {"position", position}}));
  }
  call.reply(json_response(call.req, 200, {{"status", "ok"}, {"position", position}}));
}

// Open on loopback (a local Prometheus); elsewhere to admins and auditors.
void get_metrics(ServerContext& ctx, Call& call) {
  const auto& user = call.user;
  const bool allowed =
      call.peer.loopback ||
      (user && (user->role == domain::Role::kAdmin || user->role == domain::Role::kAuditor));
  if (!allowed) return call.reply(error_response(call.req, 401, "unauthorized", "token required"));
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  res.keep_alive(call.req.keep_alive());
  auto head = ctx.store.last_position();
  std::vector<Metrics::ProjectionSample> samples;
  for (const auto& s : ctx.models.status()) {
    samples.push_back({s.name, static_cast<double>(s.position),
                       static_cast<double>(head > s.position ? head - s.position : 0), s.progress,
                       s.rebuilding});
  }
  res.body() =
      ctx.metrics.render(static_cast<double>(head), static_cast<double>(ctx.hub.subscriptions()),
                         samples, static_cast<double>(ctx.models.applied()));
  call.reply(std::move(res));
}

void get_demo_users(ServerContext& ctx, Call& call) {
  if (ctx.demo_users.empty()) {
    return call.reply(
        error_response(call.req, 404, "not_found", "this server runs without demo users"));
  }
  auto users = nlohmann::json::array();
  for (const auto& d : ctx.demo_users) {
    auto u = domain::to_json(d.user);
    u["token"] = d.token;
    users.push_back(std::move(u));
  }
  call.reply(json_response(call.req, 200, {{"users", users}}));
}

// How one may sign in here, for the sign-in page (no token needed): a token always; the demo
// users when present; OpenID Connect with --oidc-issuer.
void get_auth_methods(ServerContext& ctx, Call& call) {
  const bool demo = !ctx.demo_users.empty();
  const bool oidc = ctx.signin != nullptr;
  std::string message =
      demo ? "Choisissez un utilisateur de démonstration, ou saisissez votre jeton d’accès."
           : "Demandez un jeton à votre administrateur : il crée votre compte (rôle, "
             "organismes ou régions) et vous remet le jeton à saisir ici.";
  call.reply(json_response(
      call.req, 200, {{"token", true}, {"demo", demo}, {"oidc", oidc}, {"message", message}}));
}

// A sign-in session with no user yet: {"user":null,"identity":{…}} (see README); else the user,
// with `identity` added for a session.
void get_me(ServerContext&, Call& call) {
  if (!call.user) {
    return call.reply(
        json_response(call.req, 200, {{"user", nullptr}, {"identity", to_json(*call.identity)}}));
  }
  auto me = domain::to_json(*call.user);
  if (call.identity) me["identity"] = to_json(*call.identity);
  call.reply(json_response(call.req, 200, me));
}

}  // namespace grappe::server
