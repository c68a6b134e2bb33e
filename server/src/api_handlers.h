// The handlers of the HTTP API's routes (the table is in http_api.cpp), one file per resource
// family: api_system.cpp, api_grappes.cpp, api_establishments.cpp, api_reference.cpp,
// api_audit.cpp, api_admin.cpp (users), api_admin_ops.cpp (projections, backups); api_static.cpp
// serves the web client.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "api.h"
#include "event_writer.h"
#include "grappe/domain/time.h"
#include "router.h"

namespace grappe::server {

// api_system.cpp: GET /healthz, /metrics, /api/demo/users, /api/auth/methods, /api/me.
void get_healthz(ServerContext& ctx, Call& call);
void get_metrics(ServerContext& ctx, Call& call);
void get_demo_users(ServerContext& ctx, Call& call);
void get_auth_methods(ServerContext& ctx, Call& call);
void get_me(ServerContext& ctx, Call& call);

// api_grappes.cpp: GET /api/grappes, /api/grappes/{grappe}[/events|/state|/suggestions],
// POST /api/grappes/{grappe}/commands.
void get_grappes(ServerContext& ctx, Call& call);
void get_grappe(ServerContext& ctx, Call& call);
void get_grappe_events(ServerContext& ctx, Call& call);
void get_grappe_state(ServerContext& ctx, Call& call);
void post_command(ServerContext& ctx, Call& call);
void get_suggestions(ServerContext& ctx, Call& call);

// api_export.cpp: GET /api/grappes/{grappe}/export.csv and /export.xlsx (PROTOCOL.md v2).
void get_export_csv(ServerContext& ctx, Call& call);
void get_export_xlsx(ServerContext& ctx, Call& call);

// api_establishments.cpp: GET /api/establishments (search, or ?ej= / ?lookingForGrappe=),
// GET /api/establishments/{finess}, PUT /api/establishments/{finess}/profile.
void get_establishments(ServerContext& ctx, Call& call);
void get_establishment(ServerContext& ctx, Call& call);
void put_profile(ServerContext& ctx, Call& call);

// api_reference.cpp: GET /api/reference/regions.
void get_regions(ServerContext& ctx, Call& call);
void get_calls(ServerContext& ctx, Call& call);

// api_registry.cpp: GET /api/registry, GET /api/admin/registry (the upload: registry_upload.cpp).
void get_registry(ServerContext& ctx, Call& call);
void get_registry_status(ServerContext& ctx, Call& call);

// api_audit.cpp: GET /api/audit/verify.
void get_verify(ServerContext& ctx, Call& call);

// api_admin.cpp: GET /api/admin/users, GET|PUT|DELETE /api/admin/users/{user}.
void list_users(ServerContext& ctx, Call& call);
void get_user(ServerContext& ctx, Call& call);
void put_user(ServerContext& ctx, Call& call);
void delete_user(ServerContext& ctx, Call& call);
// PUT /api/me/preferences (any signed-in user: its own notifications setting).
void put_preferences(ServerContext& ctx, Call& call);

// api_notifications.cpp: GET /api/admin/notifications, POST /api/admin/notifications/digest.
void get_notifications(ServerContext& ctx, Call& call);
void post_digest(ServerContext& ctx, Call& call);

// api_admin_ops.cpp: GET /api/admin/projections, POST /api/admin/projections/{projection}/rebuild,
// POST /api/admin/backup.
void list_projections(ServerContext& ctx, Call& call);
void rebuild_projection(ServerContext& ctx, Call& call);
void post_backup(ServerContext& ctx, Call& call);

// api_log.cpp: the verifiable log. GET /checkpoint, /api/log/key, /api/log/proof/consistency
// (public), /api/log/proof/inclusion, /api/grappes/{grappe}/receipt (readers of the event's
// grappe), POST /api/log/cosignature (configured witnesses); get_tile answers GET /tile/….
void get_checkpoint(ServerContext& ctx, Call& call);
void get_log_key(ServerContext& ctx, Call& call);
void get_consistency(ServerContext& ctx, Call& call);
void get_inclusion(ServerContext& ctx, Call& call);
void get_receipt(ServerContext& ctx, Call& call);
void post_cosignature(ServerContext& ctx, Call& call);
Response get_tile(ServerContext& ctx, const Request& req, std::string_view path);

// api_auth.cpp: GET /auth/login, GET /auth/callback, POST /auth/logout (only with
// --oidc-issuer).
void get_login(ServerContext& ctx, Call& call);
void get_callback(ServerContext& ctx, Call& call);
void post_logout(ServerContext& ctx, Call& call);

// api_access.cpp: GET|POST /api/access-requests, POST /api/access-requests/{request}/decision.
void get_access_requests(ServerContext& ctx, Call& call);
void post_access_request(ServerContext& ctx, Call& call);
void post_access_decision(ServerContext& ctx, Call& call);

// Shared by the handlers.

// The user of the request's bearer token, or nullopt; a token that names no user counts as a
// failed authentication of `peer`.
std::optional<domain::User> bearer_user(ServerContext& ctx, const Request& req, const Peer& peer);
// A domain rejection as a PROTOCOL.md error.
Response rejection_response(const Request& req, const domain::Rejection& rejection);
// Why a write (event_writer.h) did not happen, as PROTOCOL.md errors: 503 `unavailable`, 409
// `conflict`, else 500 `internal`.
Response write_failure_response(const Request& req, const WriteError& error);
// The establishment as GET /api/establishments lists it.
nlohmann::json establishment_json(const domain::Establishment& e);
// api_grappes.cpp: the grappe's state folded from its stream up to version `at_version`
// (inclusive) or up to the last event at or before `at_time`; the error is the store's.
std::expected<domain::GrappeState, std::string> fold_until(
    es::Store& store, const std::string& id, std::optional<std::uint64_t> at_version,
    std::optional<domain::Timestamp> at_time);
// api_grappes.cpp: the grappe of the call when its user may read it; else answers 404 and gives
// nullopt.
std::optional<domain::GrappeState> readable_grappe(ServerContext& ctx, Call& call);
// 403 `forbidden` unless the call's user is an admin: then false (the call is answered).
bool admins_only(Call& call);

}  // namespace grappe::server
