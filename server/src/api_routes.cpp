#include "api_routes.h"

#include "grappe/domain/user.h"
#include "json_util.h"

namespace grappe::server {

namespace http = boost::beast::http;

std::optional<domain::User> bearer_user(Core& core, const Request& req, const Peer& peer) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view value = it->value();
  constexpr std::string_view kPrefix = "Bearer ";
  auto user =
      value.starts_with(kPrefix) ? core.authenticate(value.substr(kPrefix.size())) : std::nullopt;
  if (!user) core.limits.auth_failed(peer.address);
  return user;
}

namespace {

// "/api/grappes/ID/rest" → ID, rest ("" or "/events"...).
bool split_id(std::string_view path, std::string_view prefix, std::string& id,
              std::string_view& rest) {
  if (!path.starts_with(prefix)) return false;
  auto tail = path.substr(prefix.size());
  auto slash = tail.find('/');
  id = std::string(tail.substr(0, slash));
  rest = slash == std::string_view::npos ? std::string_view{} : tail.substr(slash);
  return true;
}

void get_demo_users(const Core& core, const Request& req, const Reply& reply) {
  if (core.demo_users.empty()) {
    return reply(error_response(req, 404, "not_found", "this server runs without demo users"));
  }
  auto users = nlohmann::json::array();
  for (const auto& d : core.demo_users) {
    auto u = domain::to_json(d.user);
    u["token"] = d.token;
    users.push_back(std::move(u));
  }
  reply(json_response(req, 200, {{"users", users}}));
}

}  // namespace

void route(Core& core, Request&& req, const Peer& peer, const Reply& reply) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  const auto method = req.method();
  if (!path.starts_with("/api/") && path != "/healthz" && path != "/metrics") {
    if (method != http::verb::get && method != http::verb::head) {
      return reply(error_response(req, 405, "bad_request", "method not allowed"));
    }
    return reply(serve_static(core, req));
  }
  if (path == "/healthz") {
    // Degraded: the log cannot be written (commands are answered `unavailable`); reads go on.
    const auto health = core.store.health();
    const auto position = core.store.last_position();
    if (health.degraded) {
      return reply(json_response(
          req, 503, {{"status", "degraded"}, {"reason", health.reason}, {"position", position}}));
    }
    return reply(json_response(req, 200, {{"status", "ok"}, {"position", position}}));
  }
  // A token is tried only while its address has not failed too often this minute.
  if (req.count(http::field::authorization) && core.limits.auth_blocked(peer.address)) {
    return reply(error_response(req, 429, "rate_limited",
                                "too many failed sign-ins from this address; try again in a "
                                "minute"));
  }
  auto user = bearer_user(core, req, peer);
  if (path == "/metrics") {
    bool allowed =
        peer.loopback ||
        (user && (user->role == domain::Role::kAdmin || user->role == domain::Role::kAuditor));
    if (!allowed) return reply(error_response(req, 401, "unauthorized", "token required"));
    return reply(get_metrics(core, req));
  }
  if (path == "/api/demo/users" && method == http::verb::get) {
    return get_demo_users(core, req, reply);
  }
  if (!user) {
    return reply(error_response(req, 401, "unauthorized", "a valid bearer token is required"));
  }
  route_user(core, std::move(req), path, *user, peer, reply);
}

void route_user(Core& core, Request&& req, std::string_view path, const domain::User& user,
                const Peer& peer, const Reply& reply) {
  std::string_view target = req.target();
  const auto method = req.method();
  std::string id;
  std::string_view rest;
  if (path.starts_with("/api/establishments") && method == http::verb::get) {
    // Reference data: readable by every signed-in user.
    if (path == "/api/establishments") {
      if (has_query_param(target, "ej") || has_query_param(target, "lookingForGrappe"))
        return get_partner_establishments(core, req, reply);
      return get_establishments(core, req, reply);
    }
    if (split_id(path, "/api/establishments/", id, rest) && rest.empty()) {
      return get_establishment(core, req, id, reply);
    }
  }
  if (path == "/api/me" && method == http::verb::get) {
    return reply(json_response(req, 200, domain::to_json(user)));
  }
  if (path == "/api/grappes" && method == http::verb::get) {
    return get_grappes(core, req, user, reply);
  }
  if (method == http::verb::put && split_id(path, "/api/establishments/", id, rest) &&
      rest == "/profile") {
    return put_profile(core, std::move(req), user, id, reply);
  }
  if (split_id(path, "/api/grappes/", id, rest)) {
    if (!valid_client_id(id)) return reply(error_response(req, 404, "not_found", "no such grappe"));
    if (rest == "/commands" && method == http::verb::post) {
      return post_command(core, std::move(req), user, id, peer, reply);
    }
    if (rest == "/suggestions" && method == http::verb::get) {
      return get_suggestions(core, req, user, id, reply);
    }
    if (method == http::verb::get) return get_grappe(core, req, user, id, rest, reply);
  }
  if (path == "/api/audit/verify" && method == http::verb::get) {
    return get_verify(core, req, user, reply);
  }
  if (path.starts_with("/api/admin/users")) {
    return admin_users(core, std::move(req), user, path.substr(16), reply);
  }
  if (path.starts_with("/api/admin/projections")) {
    return admin_projections(core, req, user, path.substr(22), reply);
  }
  if (path == "/api/admin/backup") return admin_backup(core, req, user, reply);
  reply(error_response(req, 404, "not_found", "no such endpoint"));
}

Response get_metrics(Core& core, const Request& req) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  res.keep_alive(req.keep_alive());
  auto head = core.store.last_position();
  std::vector<Metrics::ProjectionSample> samples;
  for (const auto& s : core.models.status()) {
    samples.push_back({s.name, static_cast<double>(s.position),
                       static_cast<double>(head > s.position ? head - s.position : 0), s.progress,
                       s.rebuilding});
  }
  res.body() =
      core.metrics.render(static_cast<double>(head), static_cast<double>(core.hub.subscriptions()),
                          samples, static_cast<double>(core.models.applied()));
  return res;
}

}  // namespace grappe::server
