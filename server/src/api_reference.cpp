// GET /api/establishments[/{finess}], GET /api/audit/verify, static files.
#include <charconv>
#include <fstream>
#include <future>
#include <sstream>

#include "api_routes.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/profile.h"

namespace grappe::server {

namespace http = boost::beast::http;

nlohmann::json establishment_json(const domain::Establishment& e) {
  nlohmann::json j = {{"finess", e.finess},           {"ej", e.ej},
                      {"ejName", e.ej_name},          {"name", e.name},
                      {"category", e.category},       {"categoryLabel", e.category_label},
                      {"departement", e.departement}, {"region", e.region},
                      {"commune", e.commune},         {"inScope", e.in_scope}};
  if (e.location) j["location"] = {{"lat", e.location->lat}, {"lon", e.location->lon}};
  return j;
}

namespace {

std::string_view content_type(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

void get_establishments(Core& core, const Request& req, const Reply& reply) {
  auto q = query_param(req.target(), "q");
  auto departement = query_param(req.target(), "departement");
  auto category = query_param(req.target(), "category");
  auto limit_text = query_param(req.target(), "limit");
  std::size_t limit = 20;
  if (!limit_text.empty()) {
    auto [end, ec] =
        std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit == 0 ||
        limit > 500) {
      return reply(error_response(req, 400, "bad_request", "limit must be an integer 1–500"));
    }
  }
  if (q.size() > 200 || departement.size() > 3 || category.size() > 4) {
    return reply(error_response(req, 400, "bad_request", "search terms too long"));
  }
  auto list = nlohmann::json::array();
  for (const auto* e : core.registry.search(q, departement, category, limit)) {
    auto j = establishment_json(*e);
    j["profile"] = domain::profile_json(core.models.esms(e->finess).profile);
    list.push_back(std::move(j));
  }
  reply(json_response(req, 200, {{"establishments", std::move(list)}}));
}

void get_establishment(Core& core, const Request& req, const std::string& finess,
                       const Reply& reply) {
  const auto* e = domain::valid_finess_format(finess) ? core.registry.find(finess) : nullptr;
  if (!e) return reply(error_response(req, 404, "not_found", "no such establishment"));
  auto body = establishment_json(*e);
  auto memberships = nlohmann::json::array();
  for (const auto& g : core.models.grappes(
           [&](const domain::GrappeState& s) { return s.member(finess) != nullptr; })) {
    memberships.push_back({{"grappe", g.id},
                           {"call", g.call},
                           {"status", domain::to_string(g.member(finess)->status)}});
  }
  body["memberships"] = std::move(memberships);
  body["profile"] = domain::profile_json(core.models.esms(finess).profile);
  reply(json_response(req, 200, body));
}

void get_verify(Core& core, const Request& req, const domain::User& user, const Reply& reply) {
  if (user.role != domain::Role::kAuditor && user.role != domain::Role::kAdmin) {
    return reply(error_response(req, 403, "forbidden", "auditors and admins only"));
  }
  // Recomputing the chain reads the whole log: not on the connection's thread.
  boost::asio::post(core.background, [&core, req, reply] {
    auto result = core.store.verify();
    nlohmann::json body = {{"ok", result.ok}, {"events", result.events}, {"head", result.head}};
    if (result.first_bad_position) {
      body["firstBadPosition"] = *result.first_bad_position;
      body["problem"] = result.problem;
    }
    reply(json_response(req, 200, body));
  });
}

Response serve_static(const Core& core, const Request& req, std::string_view path) {
  std::string relative = path == "/" ? "index.html" : std::string(path.substr(1));
  if (relative.find("..") != std::string::npos || relative.find('\\') != std::string::npos ||
      relative.find('\0') != std::string::npos) {
    return error_response(req, 404, "not_found", "no such file");
  }
  auto file = core.options.web_root / relative;
  std::ifstream in(file, std::ios::binary);
  if (!in || std::filesystem::is_directory(file)) {
    return error_response(req, 404, "not_found", "no such file");
  }
  std::ostringstream body;
  body << in.rdbuf();
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, content_type(relative));
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  if (req.method() != http::verb::head) res.body() = body.str();
  return res;
}

}  // namespace grappe::server
