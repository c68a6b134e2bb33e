// GET /api/establishments (search, or ?ej= / ?lookingForGrappe=), GET /api/establishments/{finess},
// PUT /api/establishments/{finess}/profile (PROTOCOL.md "Finding partners").
#include <spdlog/spdlog.h>

#include <charconv>

#include "api_handlers.h"
#include "cursor.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/profile.h"
#include "grappe/domain/streams.h"
#include "json_util.h"

namespace grappe::server {

namespace {

using Json = nlohmann::json;

void answer_establishment(ServerContext& ctx, const Request& req, const std::string& finess,
                          const Reply& reply) {
  const auto registry = ctx.registries.current();
  const auto* e = domain::valid_finess_format(finess) ? registry->find(finess) : nullptr;
  if (!e) return reply(error_response(req, 404, "not_found", "no such establishment"));
  auto body = establishment_json(*e);
  auto memberships = nlohmann::json::array();
  for (const auto& g : ctx.models.grappes(
           [&](const domain::GrappeState& s) { return s.member(finess) != nullptr; })) {
    memberships.push_back({{"grappe", g.id},
                           {"call", g.call},
                           {"status", domain::to_string(g.member(finess)->status)}});
  }
  body["memberships"] = std::move(memberships);
  body["profile"] = domain::profile_json(ctx.models.esms(finess).profile);
  reply(json_response(req, 200, body));
}

// GET /api/establishments?ej=…|lookingForGrappe=true (issue 8).
// `profiles`: the establishments' profiles too (a user; not a sign-in session without one).
void get_partner_establishments(ServerContext& ctx, const Request& req, const Reply& reply,
                                bool profiles) {
  const auto limit = query_limit(req.target(), 100, 500);
  const auto looking = query_flag(req.target(), "lookingForGrappe");
  const auto ej = query_param(req.target(), "ej");
  const auto region = query_param(req.target(), "region");
  const auto departement = query_param(req.target(), "departement");
  if (!limit || !looking) {
    return reply(error_response(req, 400, "bad_request",
                                "limit (1 à 500) ou lookingForGrappe (true ou false) invalide"));
  }
  if ((!ej.empty() && !domain::valid_finess_format(ej)) ||
      (!region.empty() && !domain::valid_region(region)) ||
      (!departement.empty() && !domain::find_departement(departement))) {
    return reply(error_response(req, 400, "bad_request", "ej, region ou departement invalide"));
  }
  const auto* dep = departement.empty() ? nullptr : domain::find_departement(departement);
  const auto registry = ctx.registries.current();  // `found` points into it
  std::vector<const domain::Establishment*> found;
  if (!ej.empty()) {
    found = registry->by_ej(ej);
  } else {
    ctx.models.for_each_esms([&](const std::string& finess, const domain::EsmsState& s) {
      if (!s.profile.looking_for_grappe.value_or(false)) return;
      if (const auto* e = registry->find(finess)) found.push_back(e);
    });
    std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) {
      return std::tie(a->departement, a->name, a->finess) <
             std::tie(b->departement, b->name, b->finess);
    });
  }
  auto list = Json::array();
  for (const auto* e : found) {
    if (list.size() >= *limit) break;
    if (!region.empty() && e->region != region) continue;
    if (dep && e->departement != dep->code) continue;
    const auto profile = ctx.models.esms(e->finess).profile;
    if (*looking && !profile.looking_for_grappe.value_or(false)) continue;
    auto j = establishment_json(*e);
    if (profiles) j["profile"] = domain::profile_json(profile);
    list.push_back(std::move(j));
  }
  reply(json_response(req, 200, {{"establishments", std::move(list)}}));
}

// The `profile` message pushed to every connection subscribed to a grappe: clients showing
// suggestions or profiles read them again.
Frame profile_frame(const std::string& finess, const domain::EsmsState& state,
                    std::uint64_t position) {
  Json msg = {{"type", "profile"},
              {"finess", finess},
              {"profile", domain::profile_json(state.profile)},
              {"position", position}};
  return std::make_shared<const std::string>(msg.dump());
}

struct ProfileWrite {
  ServerContext& ctx;
  Request req;
  domain::User user;
  std::string finess;
  domain::EstablishmentProfile update;
  Reply reply;
  std::optional<domain::Rejection> refusal;  // the last decision's, not recorded
};

// Decides the profile against the establishment's latest state: its event, or nothing to write
// (a refusal, or no change).
Decided decide_profile(ProfileWrite& w) {
  const auto current = w.ctx.models.esms(w.finess);
  auto decided =
      domain::decide_profile(w.user, w.ctx.registries.current()->find(w.finess), current, w.update);
  w.refusal.reset();
  if (!decided) w.refusal = decided.error();
  if (!decided || !*decided) return NothingToWrite{};
  return LogWrite{
      {{domain::esms_stream(w.finess), current.version, {std::move(**decided)}}}, {}, {}};
}

void write_profile(std::shared_ptr<ProfileWrite> w) {
  w->ctx.writer.write(
      w->user, [w] { return decide_profile(*w); },
      [w](WriteOutcome outcome) {
        ServerContext& ctx = w->ctx;
        if (outcome) {
          spdlog::info("profile of {} updated by {}", w->finess, w->user.id);
          ctx.hub.broadcast(
              profile_frame(w->finess, ctx.models.esms(w->finess), outcome->last_position));
        } else if (w->refusal) {
          return w->reply(rejection_response(w->req, *w->refusal));
        } else if (outcome.error().failure != WriteFailure::kNothingToWrite) {
          spdlog::warn("profile of {}: not written: {}", w->finess, outcome.error().message);
          return w->reply(write_failure_response(w->req, outcome.error()));
        }
        answer_establishment(ctx, w->req, w->finess, w->reply);
      });
}

}  // namespace

nlohmann::json establishment_json(const domain::Establishment& e) {
  nlohmann::json j = {{"finess", e.finess},           {"ej", e.ej},
                      {"ejName", e.ej_name},          {"name", e.name},
                      {"category", e.category},       {"categoryLabel", e.category_label},
                      {"departement", e.departement}, {"region", e.region},
                      {"commune", e.commune},         {"inScope", e.in_scope}};
  if (e.location) j["location"] = {{"lat", e.location->lat}, {"lon", e.location->lon}};
  // PROTOCOL.md v2: where the source has them (FINESS+, the etalab extract's SIRET).
  if (!e.siret.empty()) j["siret"] = e.siret;
  j["closedOn"] = e.closed_on.empty() ? nlohmann::json() : nlohmann::json(e.closed_on);
  return j;
}

void get_establishments(ServerContext& ctx, Call& call) {
  const auto& req = call.req;
  const auto& reply = call.reply;
  // A sign-in session with no user yet (the access page's EJ search): no profiles, no listing
  // of the establishments looking for a grappe.
  const bool profiles = call.user.has_value();
  if (!profiles && has_query_param(req.target(), "lookingForGrappe")) {
    return reply(error_response(req, 403, "forbidden",
                                "aucun compte pour cette adresse : faites une demande d’accès"));
  }
  if (has_query_param(req.target(), "ej") || has_query_param(req.target(), "lookingForGrappe"))
    return get_partner_establishments(ctx, req, reply, profiles);
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
  // A page after `cursor` (README "Protocol additions"): the FINESS the last page ended with.
  const auto registry = ctx.registries.current();
  const auto cursor = query_param(req.target(), "cursor");
  std::size_t from = 0;
  if (!cursor.empty()) {
    const auto after = decode_cursor(cursor, 1);
    const auto index = after ? registry->index_of((*after)[0]) : std::nullopt;
    if (!index) {
      return reply(error_response(req, 400, "bad_request",
                                  "cursor invalide ou périmé (le répertoire a changé) : "
                                  "reprenez la recherche sans cursor"));
    }
    from = *index + 1;
  }
  auto found = registry->search(q, departement, category, limit + 1, from);
  const bool more = found.size() > limit;
  if (more) found.pop_back();
  auto list = nlohmann::json::array();
  for (const auto* e : found) {
    auto j = establishment_json(*e);
    if (profiles) j["profile"] = domain::profile_json(ctx.models.esms(e->finess).profile);
    list.push_back(std::move(j));
  }
  nlohmann::json next = nullptr;
  if (more) next = encode_cursor({found.back()->finess});
  reply(json_response(req, 200, {{"establishments", std::move(list)}, {"nextCursor", next}}));
}

void get_establishment(ServerContext& ctx, Call& call) {
  answer_establishment(ctx, call.req, call.params.finess, call.reply);
}

void put_profile(ServerContext& ctx, Call& call) {
  auto& req = call.req;
  const auto& reply = call.reply;
  const auto& finess = call.params.finess;
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return reply(error_response(req, 400, "bad_request", why));
  auto update = domain::parse_profile(*body);
  if (!update) return reply(rejection_response(req, update.error()));
  if (!domain::valid_finess_format(finess) || !ctx.registries.current()->find(finess))
    return reply(error_response(req, 404, "not_found", "établissement introuvable"));
  write_profile(std::make_shared<ProfileWrite>(
      ProfileWrite{ctx, std::move(req), *call.user, finess, std::move(*update), reply, {}}));
}

}  // namespace grappe::server
