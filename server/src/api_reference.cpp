// GET /api/establishments[/{finess}], GET /api/audit/verify.
#include <charconv>
#include <future>

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

}  // namespace grappe::server
