#include "users_file.h"

#include <nlohmann/json.hpp>

namespace grappe::server {

namespace {

using Result = std::expected<std::vector<UserSeed>, std::string>;

bool valid_token(const nlohmann::json& entry) {
  auto token = entry.find("token");
  if (token == entry.end() || !token->is_string()) return false;
  auto size = token->get_ref<const std::string&>().size();
  return size >= 8 && size <= 512;
}

}  // namespace

Result parse_users_file(std::string_view text, const std::string& file) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Result(std::unexpect, "--users file " + file + " is not a JSON object");
  }
  auto list = json.find("users");
  if (list == json.end() || !list->is_array()) {
    return Result(std::unexpect, "--users file " + file + ": expected {\"users\":[…]}");
  }
  std::vector<UserSeed> users;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& entry = (*list)[i];
    auto where = "--users file " + file + ": user #" + std::to_string(i + 1) + ": ";
    if (!entry.is_object()) return Result(std::unexpect, where + "not an object");
    auto user = domain::parse_user(entry);
    if (!user) return Result(std::unexpect, where + user.error());
    if (!valid_token(entry)) {
      return Result(std::unexpect, where + "\"token\" must be a string of 8 to 512 characters");
    }
    for (std::size_t j = 0; j < users.size(); ++j) {
      if (!user->email.empty() &&
          domain::email_key(users[j].user.email) == domain::email_key(user->email)) {
        return Result(std::unexpect,
                      where + "\"email\" is already user #" + std::to_string(j + 1) + "'s");
      }
    }
    users.push_back({std::move(*user), entry["token"].get<std::string>(), entry});
  }
  return users;
}

}  // namespace grappe::server
