// A person as the OpenID Connect provider vouched for them (ProConnect's claims): kept in the
// session, shown by /api/me before they have a user, copied into their access requests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace grappe::server {

struct Identity {
  std::string sub;    // the provider's subject
  std::string email;  // required to match or create a user
  std::string given_name, usual_name;
  std::string uid, siret, organizational_unit;  // ProConnect's, when given
  bool operator==(const Identity&) const = default;
};

inline nlohmann::json to_json(const Identity& id) {
  return {{"sub", id.sub},
          {"email", id.email},
          {"given_name", id.given_name},
          {"usual_name", id.usual_name},
          {"uid", id.uid},
          {"siret", id.siret},
          {"organizational_unit", id.organizational_unit}};
}

inline Identity identity_from_json(const nlohmann::json& j) {
  auto s = [&](const char* k) {
    auto it = j.find(k);
    if (it == j.end()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return std::string();
  };
  Identity id{s("sub"), s("email"), s("given_name"),         s("usual_name"),
              s("uid"), s("siret"), s("organizational_unit")};
  if (id.usual_name.empty()) id.usual_name = s("family_name");
  return id;
}

}  // namespace grappe::server
