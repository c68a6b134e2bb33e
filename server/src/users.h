// Users kept in the `users` stream: saving, revoking, tokens.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "event_writer.h"
#include "grappe/domain/user.h"
#include "read_models.h"

namespace grappe::server {

// A new random bearer token (256 bits, hex).
std::string new_token();

// Writes UserSaved (an empty `token_sha256` keeps the user's token); `done` runs once the read
// models show it, or with why it was not written. Any thread.
void save_user(EventWriter& writer, const domain::User& user, const std::string& token_sha256,
               const domain::User& by, EventWriter::Done done);
// The id of another user holding `user`'s e-mail address (compared case-insensitively), if any.
std::optional<std::string> email_holder(const ReadModels& models, const domain::User& user);
// An update that does not state `email` or `notifications` (`body`: what was sent) keeps the
// current user's.
void keep_unstated(domain::User& user, const domain::User& current, const nlohmann::json& body);

void revoke_user(EventWriter& writer, const std::string& id, const domain::User& by,
                 EventWriter::Done done);

}  // namespace grappe::server
