// grappe/domain/state_codec.h — states back from their JSON, so that read models can be kept on
// disk (issue 7) and read back without folding the log again. Each function is the strict
// inverse of the matching to_json(): decode(to_json(s)) == s for every state evolve() can make.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "grappe/domain/state.h"
#include "grappe/domain/user_directory.h"

namespace grappe::domain {

std::expected<GrappeState, std::string> grappe_state_from_json(const nlohmann::json& json);

// to_json(EsmsState) plus its stream version ("version"), which to_json leaves out.
nlohmann::json esms_state_json(const EsmsState& state);
std::expected<EsmsState, std::string> esms_state_from_json(const nlohmann::json& json);

// One user with its token hash, as a UserSaved data object; read back by folding it.
nlohmann::json user_entry_json(const UserDirectory& directory, const User& user);
// Adds a user_entry_json() to `directory` (whose version is left as it is).
std::expected<void, std::string> add_user_entry(UserDirectory& directory,
                                                const nlohmann::json& json);

}  // namespace grappe::domain
