// The --users file as the server reads it at start (server::parse_users_file). Every user
// accepted is one the admin API would accept too, serialises as /api/me answers it, and is
// stored as a UserSaved event that decodes back to itself.
#include "users_file.h"

#include <nlohmann/json.hpp>

#include "fuzz_target.h"
#include "grappe/domain/events.h"
#include "grappe/domain/user.h"

GRAPPE_FUZZ_TARGET(users_file) {
  namespace domain = grappe::domain;
  auto users = grappe::server::parse_users_file(grappe::fuzz::as_text(data, size), "users.json");
  if (!users) {
    (void)nlohmann::json(users.error()).dump();
    return 0;
  }
  for (const auto& seed : *users) {
    GRAPPE_FUZZ_CHECK(seed.token.size() >= 8 && seed.token.size() <= 512);
    auto again = domain::parse_user(domain::to_json(seed.user));
    GRAPPE_FUZZ_CHECK(again.has_value() && *again == seed.user);
    domain::Event saved = domain::UserSaved{seed.user, "00"};
    auto back = domain::decode(domain::type_name(saved), domain::encode(saved));
    GRAPPE_FUZZ_CHECK(back.has_value() && *back == saved);
  }
  return 0;
}
