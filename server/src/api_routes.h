// Routing of the HTTP API and the handlers of its endpoints (split by resource).
#pragma once

#include <optional>

#include "api.h"

namespace grappe::server {

void route(Core& core, Request&& req, const Peer& peer, const Reply& reply);
// The endpoints that need a signed-in user.
void route_user(Core& core, Request&& req, std::string_view path, const domain::User& user,
                const Peer& peer, const Reply& reply);
// GET /metrics.
Response get_metrics(Core& core, const Request& req);

// The user of the request's bearer token, or nullopt; a token that names no user counts as a
// failed authentication of `peer`.
std::optional<domain::User> bearer_user(Core& core, const Request& req, const Peer& peer);

void get_grappes(Core& core, const Request& req, const domain::User& user, const Reply& reply);
void get_grappe(Core& core, const Request& req, const domain::User& user, const std::string& id,
                std::string_view rest, const Reply& reply);
void post_command(Core& core, Request&& req, const domain::User& user, const std::string& id,
                  const Peer& peer, const Reply& reply);
void get_establishments(Core& core, const Request& req, const Reply& reply);
void get_establishment(Core& core, const Request& req, const std::string& finess,
                       const Reply& reply);
// Issue 8 (api_partners.cpp): PUT /api/establishments/{finess}/profile,
// GET /api/grappes/{id}/suggestions, GET /api/establishments?ej=…|lookingForGrappe=true.
void put_profile(Core& core, Request&& req, const domain::User& user, const std::string& finess,
                 const Reply& reply);
void get_suggestions(Core& core, const Request& req, const domain::User& user,
                     const std::string& id, const Reply& reply);
void get_partner_establishments(Core& core, const Request& req, const Reply& reply);
// The establishment as GET /api/establishments lists it.
nlohmann::json establishment_json(const domain::Establishment& e);
void get_verify(Core& core, const Request& req, const domain::User& user, const Reply& reply);
void admin_users(Core& core, Request&& req, const domain::User& user, std::string_view rest,
                 const Reply& reply);
void admin_projections(Core& core, const Request& req, const domain::User& user,
                       std::string_view rest, const Reply& reply);
void admin_backup(Core& core, const Request& req, const domain::User& user, const Reply& reply);

}  // namespace grappe::server
