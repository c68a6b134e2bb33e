// Finding partners (issue 8, PROTOCOL.md "Finding partners"): establishment profiles, partner
// suggestions for a grappe, and the establishments of an organisation or looking for a grappe.
#include <spdlog/spdlog.h>

#include <charconv>

#include "api_routes.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/profile.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/suggestions.h"
#include "json_util.h"

namespace grappe::server {

namespace {

using Json = nlohmann::json;

constexpr int kMaxProfileTries = 3;  // a profile decided again after a store version conflict

Response rejection_response(const Request& req, const domain::Rejection& r) {
  return error_response(req, domain::http_status(r.code), domain::to_string(r.code), r.message);
}

// Parses the `limit` query parameter: `fallback` when absent, nullopt when not in [1, max].
std::optional<std::size_t> limit_param(const Request& req, std::size_t fallback, std::size_t max) {
  const auto text = query_param(req.target(), "limit");
  if (text.empty()) return fallback;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit == 0 || limit > max)
    return std::nullopt;
  return limit;
}

// A boolean query parameter: false when absent, nullopt unless "true" or "false".
std::optional<bool> flag_param(const Request& req, std::string_view key) {
  if (!has_query_param(req.target(), key)) return false;
  const auto text = query_param(req.target(), key);
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
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
  Core& core;
  Request req;
  domain::User user;
  std::string finess;
  domain::EstablishmentProfile update;
  Reply reply;
  int tries = 0;
};

void write_profile(std::shared_ptr<ProfileWrite> w) {
  ++w->tries;
  Core& core = w->core;
  const auto current = core.models.esms(w->finess);
  auto decided = domain::decide_profile(w->user, core.registry.find(w->finess), current, w->update);
  if (!decided) return w->reply(rejection_response(w->req, decided.error()));
  if (!*decided) return get_establishment(core, w->req, w->finess, w->reply);  // nothing changes
  const domain::Event event = std::move(**decided);
  es::AppendRequest append;
  append.parts.push_back({domain::esms_stream(w->finess),
                          current.version,
                          {es::NewEvent{{},
                                        std::string(domain::type_name(event)),
                                        domain::encode(event).dump(),
                                        es::Actor{w->user.id, w->user.name}}}});
  core.store.append(std::move(append), [w](es::AppendOutcome outcome) {
    Core& core = w->core;
    if (!outcome) {
      if (outcome.error().code == es::StoreErrc::kVersionConflict && w->tries < kMaxProfileTries) {
        // The read model trailed the stream: decide again once it shows what the log has.
        return core.models.when_applied(core.store.last_position(), [w] { write_profile(w); });
      }
      spdlog::error("profile {}: append failed: {}", w->finess, outcome.error().message);
      return w->reply(error_response(w->req, 500, "internal",
                                     "erreur d'enregistrement ; réessayez dans un instant"));
    }
    const auto position = outcome->last_position;
    spdlog::info("profile of {} updated by {}", w->finess, w->user.id);
    // Answer once the read models show it, so that a read after the answer sees it.
    core.models.when_applied(position, [w, position] {
      w->core.hub.broadcast(profile_frame(w->finess, w->core.models.esms(w->finess), position));
      get_establishment(w->core, w->req, w->finess, w->reply);
    });
  });
}

}  // namespace

void put_profile(Core& core, Request&& req, const domain::User& user, const std::string& finess,
                 const Reply& reply) {
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return reply(error_response(req, 400, "bad_request", why));
  auto update = domain::parse_profile(*body);
  if (!update) return reply(rejection_response(req, update.error()));
  if (!domain::valid_finess_format(finess) || !core.registry.find(finess))
    return reply(error_response(req, 404, "not_found", "établissement introuvable"));
  write_profile(std::make_shared<ProfileWrite>(
      ProfileWrite{core, std::move(req), user, finess, std::move(*update), reply}));
}

void get_suggestions(Core& core, const Request& req, const domain::User& user,
                     const std::string& id, const Reply& reply) {
  const auto limit = limit_param(req, 20, 100);
  if (!limit) return reply(error_response(req, 400, "bad_request", "limit : entier de 1 à 100"));
  const auto include_unavailable = flag_param(req, "includeUnavailable");
  if (!include_unavailable)
    return reply(error_response(req, 400, "bad_request", "includeUnavailable : true ou false"));
  const auto grappe = core.models.grappe(id);
  if (!grappe || !domain::may_read(user, *grappe, core.registry))
    return reply(error_response(req, 404, "not_found", "grappe introuvable"));
  const bool allowed = domain::is_porteur(user, *grappe) || user.role == domain::Role::kAuditor ||
                       user.role == domain::Role::kAdmin;
  if (!allowed)
    return reply(error_response(req, 403, "forbidden",
                                "seuls le porteur, les auditeurs et les administrateurs voient "
                                "les partenaires possibles"));
  domain::PartnerFacts facts;
  core.models.for_each_esms([&](const std::string& finess, const domain::EsmsState& s) {
    if (s.profile != domain::EstablishmentProfile{}) facts.profiles.emplace(finess, s.profile);
  });
  // Recorded while the read lock is held, instead of copying every grappe of the call.
  core.models.grappes([&](const domain::GrappeState& other) {
    facts.add_other_grappe(*grappe, other);
    return false;
  });
  auto list = Json::array();
  for (const auto& s :
       domain::suggest_partners(*grappe, core.registry, facts, {*limit, *include_unavailable}))
    list.push_back(domain::to_json(s));
  reply(json_response(req, 200, {{"suggestions", std::move(list)}}));
}

void get_partner_establishments(Core& core, const Request& req, const Reply& reply) {
  const auto limit = limit_param(req, 100, 500);
  const auto looking = flag_param(req, "lookingForGrappe");
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
  std::vector<const domain::Establishment*> found;
  if (!ej.empty()) {
    found = core.registry.by_ej(ej);
  } else {
    core.models.for_each_esms([&](const std::string& finess, const domain::EsmsState& s) {
      if (!s.profile.looking_for_grappe.value_or(false)) return;
      if (const auto* e = core.registry.find(finess)) found.push_back(e);
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
    const auto profile = core.models.esms(e->finess).profile;
    if (*looking && !profile.looking_for_grappe.value_or(false)) continue;
    auto j = establishment_json(*e);
    j["profile"] = domain::profile_json(profile);
    list.push_back(std::move(j));
  }
  reply(json_response(req, 200, {{"establishments", std::move(list)}}));
}

}  // namespace grappe::server
