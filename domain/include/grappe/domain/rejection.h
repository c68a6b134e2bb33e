// grappe/domain/rejection.h — why a command is refused, as PROTOCOL.md's `rejected` message.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace grappe::domain {

enum class RejectionCode {
  kBadRequest,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kConflict,
  kRuleViolation,
  kInvalidState,
  kTooLarge,
  kRateLimited,
  kUnavailable,  // the log cannot be written now (disk full, I/O error): retry later
  kInternal,
};

// PROTOCOL.md wire names: "bad_request", …, "internal".
std::string_view to_string(RejectionCode code);
// The code of a wire name; nullopt for a name PROTOCOL.md does not define.
std::optional<RejectionCode> rejection_code(std::string_view name);
// 400, 401, 403, 404, 409, 422, 422, 413, 429, 503, 500.
int http_status(RejectionCode code);

struct Rejection {
  RejectionCode code = RejectionCode::kInternal;
  std::string message;     // French, for a gestionnaire; never echoes unvalidated input
  nlohmann::json details;  // an object, or null
};

Rejection reject(RejectionCode code, std::string message, nlohmann::json details = nullptr);

}  // namespace grappe::domain
