#include "users.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

#include "grappe/domain/streams.h"
#include "server_context.h"

namespace grappe::server {

namespace {

void write_user_event(EventWriter& writer, domain::Event event, const domain::User& by,
                      EventWriter::Done done) {
  writer.write(
      by,
      [event = std::move(event)]() -> Decided {
        return LogWrite{{{std::string(domain::users_stream), std::nullopt, {event}}}, {}, {}};
      },
      [done = std::move(done)](WriteOutcome outcome) {
        if (!outcome) spdlog::error("users: not written: {}", outcome.error().message);
        done(std::move(outcome));
      });
}

}  // namespace

std::string new_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(bytes.data(), bytes.size());
}

void save_user(EventWriter& writer, const domain::User& user, const std::string& token_sha256,
               const domain::User& by, EventWriter::Done done) {
  spdlog::info("users: saving {} ({}) by {}", user.id, domain::to_string(user.role), by.id);
  write_user_event(writer, domain::UserSaved{user, token_sha256}, by, std::move(done));
}

std::optional<std::string> email_holder(const ReadModels& models, const domain::User& user) {
  auto holder = models.user_by_email(user.email);
  if (!holder || holder->id == user.id) return std::nullopt;
  return holder->id;
}

void keep_unstated(domain::User& user, const domain::User& current, const nlohmann::json& body) {
  if (!body.contains("email")) user.email = current.email;
  if (!body.contains("notifications")) user.notifications = current.notifications;
}

void revoke_user(EventWriter& writer, const std::string& id, const domain::User& by,
                 EventWriter::Done done) {
  spdlog::info("users: revoking {} by {}", id, by.id);
  write_user_event(writer, domain::UserRevoked{id}, by, std::move(done));
}

}  // namespace grappe::server
