#include "grappe/domain/state_codec.h"

#include "grappe/domain/events.h"

namespace grappe::domain {

using Json = nlohmann::json;

Json user_entry_json(const UserDirectory& directory, const User& user) {
  auto token = directory.token_hashes.find(user.id);
  return encode(Event(UserSaved{user, token == directory.token_hashes.end() ? "" : token->second}));
}

std::expected<void, std::string> add_user_entry(UserDirectory& directory, const Json& j) {
  auto decoded = decode("UserSaved", j);
  if (!decoded) return std::unexpected(decoded.error());
  auto version = directory.version;
  directory = evolve_users(std::move(directory), *decoded, EventMeta{version, {}, {}, {}});
  return {};
}

}  // namespace grappe::domain
