// Access requests (PROTOCOL.md v2): a person signed in through OpenID Connect with no user yet
// asks to be a gestionnaire of some EJ or an ARS agent of some regions; an admin (or, for a
// gestionnaire request, a gestionnaire of every EJ named) approves or refuses. Stream `access`:
// AccessRequested, AccessDecided; kept in memory, read again at start. The rules (what a request
// must say, who may see and decide it, what user an approval makes) are pure functions below;
// the class only stores. Thread-safe.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "identity.h"

namespace grappe::server {

inline constexpr std::string_view kAccessStream = "access";

struct AccessRequest {
  std::string id;
  Identity identity;
  domain::Role role = domain::Role::kGestionnaire;
  std::vector<std::string> og, regions;
  std::string message;
  std::string status = "pending";  // "pending", "approved", "refused"
  std::string reason, decided_by, requested_at, decided_at;
  std::string user_id;  // the user an approval saved
};
nlohmann::json to_json(const AccessRequest& r);

// Rules. The error is a French message for the person.
std::expected<AccessRequest, std::string> parse_access_request(const nlohmann::json& body,
                                                               const Identity& identity);
// Admins and auditors see all; a gestionnaire those naming one of its EJ; anyone else none.
bool may_see(const domain::User& user, const AccessRequest& r);
// Admins decide all; a gestionnaire a gestionnaire request whose every EJ it acts for.
bool may_decide(const domain::User& user, const AccessRequest& r);
// The user an approval saves: `existing` (the holder of the address) given the rights asked,
// or a new user named after the identity.
domain::User approved_user(const AccessRequest& r, const std::optional<domain::User>& existing);

class AccessRequests {
 public:
  explicit AccessRequests(es::Store& store) : store_(store) {}
  std::expected<void, std::string> load();
  std::vector<AccessRequest> list() const;
  std::optional<AccessRequest> find(const std::string& id) const;
  // Appends AccessRequested; the error is the store's (for the log).
  void submit(AccessRequest r, std::function<void(std::expected<AccessRequest, std::string>)> done);
  // Marks `id` decided and appends AccessDecided. kConflict: decided already (or being decided).
  enum class DecideError { kNotFound, kConflict, kStore };
  void decide(const std::string& id, bool approved, std::string reason, const domain::User& by,
              std::string user_id,
              std::function<void(std::expected<AccessRequest, DecideError>)> done);

 private:
  void apply(const std::string& type, const nlohmann::json& data, const std::string& at);
  es::Store& store_;
  mutable std::mutex mu_;
  std::vector<AccessRequest> requests_;  // in request order
  std::vector<std::string> deciding_;
};

}  // namespace grappe::server
