// The --users file (PROTOCOL.md, "Operating the server"): the users to create or update at start.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/user.h"

namespace grappe::server {

struct UserSeed {
  domain::User user;
  std::string token;
  nlohmann::json given;  // the file's entry: what it states (an unstated email or notifications
                         // keeps the stored user's)
};

// Reads the text of a --users file, {"users":[{"id","name","role","og"?,"regions"?,"email"?,
// "notifications"?,"token"}]}:
// each user as domain::parse_user reads it, with a token of 8 to 512 characters. The first
// problem met is the error, one line naming `file` and the user (#1 for the first) at fault,
// as main() prints it; the input's values are never repeated.
std::expected<std::vector<UserSeed>, std::string> parse_users_file(std::string_view text,
                                                                   const std::string& file);

}  // namespace grappe::server
