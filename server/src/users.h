// Users kept in the `users` stream: saving, revoking, tokens.
#pragma once

#include <functional>
#include <string>

#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "read_models.h"

namespace grappe::server {

// A new random bearer token (256 bits, hex).
std::string new_token();

// Appends UserSaved (an empty `token_sha256` keeps the user's token) and calls `done(ok)` once
// the read models show it. Any thread.
void save_user(es::Store& store, ReadModels& models, const domain::User& user,
               const std::string& token_sha256, const domain::User& by,
               std::function<void(bool)> done);
void revoke_user(es::Store& store, ReadModels& models, const std::string& id,
                 const domain::User& by, std::function<void(bool)> done);

}  // namespace grappe::server
