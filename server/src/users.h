// Users kept in the `users` stream: saving, revoking, tokens.
#pragma once

#include <functional>
#include <string>

#include "event_writer.h"
#include "grappe/domain/user.h"

namespace grappe::server {

// A new random bearer token (256 bits, hex).
std::string new_token();

// Writes UserSaved (an empty `token_sha256` keeps the user's token); `done` runs once the read
// models show it, or with why it was not written. Any thread.
void save_user(EventWriter& writer, const domain::User& user, const std::string& token_sha256,
               const domain::User& by, EventWriter::Done done);
void revoke_user(EventWriter& writer, const std::string& id, const domain::User& by,
                 EventWriter::Done done);

}  // namespace grappe::server
