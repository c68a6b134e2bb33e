#include "users.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

#include "core.h"
#include "grappe/domain/streams.h"

namespace grappe::server {

namespace {

void append_user_event(es::Store& store, ReadModels& models, const domain::Event& event,
                       const domain::User& by, std::function<void(bool)> done) {
  es::AppendRequest request;
  request.parts.push_back({std::string(domain::users_stream),
                           std::nullopt,
                           {es::NewEvent{{},
                                         std::string(domain::type_name(event)),
                                         domain::encode(event).dump(),
                                         es::Actor{by.id, by.name}}}});
  store.append(std::move(request), [&models, done = std::move(done)](es::AppendOutcome outcome) {
    if (!outcome) {
      spdlog::error("users: append failed: {}", outcome.error().message);
      return done(false);
    }
    models.when_applied(outcome->last_position, [done] { done(true); });
  });
}

}  // namespace

std::string new_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(bytes.data(), bytes.size());
}

void save_user(es::Store& store, ReadModels& models, const domain::User& user,
               const std::string& token_sha256, const domain::User& by,
               std::function<void(bool)> done) {
  spdlog::info("users: saving {} ({}) by {}", user.id, domain::to_string(user.role), by.id);
  append_user_event(store, models, domain::UserSaved{user, token_sha256}, by, std::move(done));
}

void revoke_user(es::Store& store, ReadModels& models, const std::string& id,
                 const domain::User& by, std::function<void(bool)> done) {
  spdlog::info("users: revoking {} by {}", id, by.id);
  append_user_event(store, models, domain::UserRevoked{id}, by, std::move(done));
}

}  // namespace grappe::server
