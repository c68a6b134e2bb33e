// A WebSocket client message, read as WsSession::handle reads it: the JSON envelope
// (parse_client_json), the `type`, then each message's fields (hello, subscribe, unsubscribe,
// presence, command with its payload). Every answer the server would build is serialised, as
// send_json does: a value that dump() refuses (invalid UTF-8) would throw out of the session.
#include <nlohmann/json.hpp>

#include "command_request.h"
#include "fuzz_target.h"
#include "grappe/domain/commands.h"
#include "json_check.h"
#include "json_util.h"

namespace {

using nlohmann::json;
using namespace grappe::server;

void read_subscribe(const json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  if (!grappe || bad || !valid_client_id(*grappe)) return;
  if (auto it = msg.find("fromVersion"); it != msg.end() && it->is_number_unsigned()) {
    (void)it->get<std::uint64_t>();
  }
  (void)json{{"type", "unsubscribed"}, {"grappe", *grappe}}.dump();
}

void read_presence(const json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  auto status = string_field(msg, "status", bad);
  auto focus = string_field(msg, "focus", bad);
  if (bad || !grappe || !status || !focus) return;
  (void)json{{"grappe", *grappe}, {"status", *status}, {"focus", *focus}}.dump();
}

// As WsSession::handle_command, then CommandService: the envelope, then the payload.
void read_command(const json& msg) {
  auto request = parse_command_request(msg);
  if (!request) {
    (void)request.error().to_json().dump();
    return;
  }
  GRAPPE_FUZZ_CHECK(valid_client_id(request->id) && valid_client_id(request->grappe));
  auto command = grappe::domain::parse_command(request->name, request->payload);
  if (!command) {
    (void)refused(request->id, command.error()).to_json().dump();
    return;
  }
  GRAPPE_FUZZ_CHECK(grappe::domain::command_name(*command) == request->name);
}

}  // namespace

GRAPPE_FUZZ_TARGET(ws_message) {
  auto text = grappe::fuzz::as_text(data, size);
  std::string why;
  auto msg = parse_client_json(text, why);
  // An independent JSON checker agrees: what is accepted is one JSON text, and what is refused
  // as "not valid JSON" is not.
  if (msg) GRAPPE_FUZZ_CHECK(grappe::es::detail::is_json_text(text));
  if (!msg && why.starts_with("not valid JSON")) {
    GRAPPE_FUZZ_CHECK(!grappe::es::detail::is_json_text(text));
  }
  if (!msg) return -1;
  bool bad = false;
  auto type = string_field(*msg, "type", bad);
  if (!type || bad) return 0;
  if (*type == "hello") {
    (void)string_field(*msg, "token", bad);
  } else if (*type == "subscribe" || *type == "unsubscribe") {
    read_subscribe(*msg);
  } else if (*type == "presence") {
    read_presence(*msg);
  } else if (*type == "command") {
    read_command(*msg);
  }
  return 0;
}
