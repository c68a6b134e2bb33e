// grappe/domain/state_codec.h — the user directory as entries, so that the `users` read model can
// be kept on disk (issue 7) and read back without folding the log again. Grappe and establishment
// states are kept in the read models' own binary form (projections/src/binary.h).
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "grappe/domain/user_directory.h"

namespace grappe::domain {

// One user with its token hash, as a UserSaved data object; read back by folding it.
nlohmann::json user_entry_json(const UserDirectory& directory, const User& user);
// Adds a user_entry_json() to `directory` (whose version is left as it is).
std::expected<void, std::string> add_user_entry(UserDirectory& directory,
                                                const nlohmann::json& json);

}  // namespace grappe::domain
