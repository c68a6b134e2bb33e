#include "command_request.h"

#include "json_util.h"

namespace grappe::server {

using domain::RejectionCode;

std::expected<CommandRequest, CommandAnswer> parse_command_request(const nlohmann::json& msg) {
  CommandRequest r;
  bool bad = false;
  auto id = string_field(msg, "id", bad);
  auto fail = [&](const char* why) {
    return std::unexpected(refused(id && valid_client_id(*id) ? *id : "",
                                   domain::reject(RejectionCode::kBadRequest, why)));
  };
  if (!id || bad || !valid_client_id(*id)) {
    return fail("la commande doit porter un champ « id » (identifiant unique, 1 à 64 caractères)");
  }
  r.id = *id;
  auto grappe = string_field(msg, "grappe", bad);
  if (bad || !grappe || !valid_client_id(*grappe)) {
    return fail("le champ « grappe » doit être un identifiant (1 à 64 caractères)");
  }
  r.grappe = *grappe;
  auto name = string_field(msg, "name", bad);
  if (bad || !name) return fail("le champ « name » (nom de la commande) est obligatoire");
  r.name = *name;
  if (auto it = msg.find("payload"); it != msg.end() && !it->is_null()) {
    if (!it->is_object()) return fail("le champ « payload » doit être un objet");
    r.payload = *it;
  } else {
    r.payload = nlohmann::json::object();
  }
  if (auto it = msg.find("expectedVersion"); it != msg.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      return fail("le champ « expectedVersion » doit être un entier positif");
    }
    r.expected_version = it->get<std::uint64_t>();
  }
  return r;
}

}  // namespace grappe::server
