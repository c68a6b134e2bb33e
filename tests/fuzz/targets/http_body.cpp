// An HTTP request body, as each JSON endpoint reads it: parse_client_json, then
// POST /api/grappes/{id}/commands (parse_command_request with the path's grappe, then the
// payload), PUT /api/admin/users/{id} (domain::parse_user with the path's id) and
// PUT /api/establishments/{finess}/profile (domain::parse_profile). Refusals must serialise as the
// error answers do; what is accepted is stored as an event, which must decode back to itself
// (else the log holds an event the projections cannot read after a restart).
#include <nlohmann/json.hpp>

#include "command_request.h"
#include "fuzz_target.h"
#include "grappe/domain/commands.h"
#include "grappe/domain/events.h"
#include "grappe/domain/profile.h"
#include "grappe/domain/user.h"
#include "json_util.h"

namespace {

using nlohmann::json;
namespace domain = grappe::domain;

void error_body(std::string_view message) {
  (void)json{{"error", {{"code", "bad_request"}, {"message", message}}}}.dump();
}

void check_round_trip(const domain::Event& event) {
  auto data = json::parse(domain::encode(event).dump());
  auto back = domain::decode(domain::type_name(event), data);
  GRAPPE_FUZZ_CHECK(back.has_value());
  GRAPPE_FUZZ_CHECK(*back == event);
}

void post_command(json body) {
  body["grappe"] = "g-1";
  auto request = grappe::server::parse_command_request(body);
  if (!request) return (void)request.error().to_json().dump();
  auto command = domain::parse_command(request->name, request->payload);
  if (!command) (void)grappe::server::refused(request->id, command.error()).to_json().dump();
}

void put_user(json body) {
  body["id"] = "user-1";
  auto user = domain::parse_user(body);
  if (!user) return error_body(user.error());
  (void)domain::to_json(*user).dump();
  check_round_trip(domain::UserSaved{*user, ""});
}

void put_profile(const json& body) {
  auto profile = domain::parse_profile(body);
  if (!profile) return error_body(profile.error().message);
  (void)domain::profile_json(*profile).dump();
  check_round_trip(*profile);
}

}  // namespace

GRAPPE_FUZZ_TARGET(http_body) {
  std::string why;
  auto body = grappe::server::parse_client_json(grappe::fuzz::as_text(data, size), why);
  if (!body) {
    error_body(why);
    return -1;
  }
  post_command(*body);
  put_user(*body);
  put_profile(*body);
  return 0;
}
