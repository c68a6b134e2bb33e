#include "grappe/domain/rejection.h"

#include <array>

namespace grappe::domain {

std::string_view to_string(RejectionCode code) {
  switch (code) {
    case RejectionCode::kBadRequest:
      return "bad_request";
    case RejectionCode::kUnauthorized:
      return "unauthorized";
    case RejectionCode::kForbidden:
      return "forbidden";
    case RejectionCode::kNotFound:
      return "not_found";
    case RejectionCode::kConflict:
      return "conflict";
    case RejectionCode::kRuleViolation:
      return "rule_violation";
    case RejectionCode::kInvalidState:
      return "invalid_state";
    case RejectionCode::kTooLarge:
      return "too_large";
    case RejectionCode::kRateLimited:
      return "rate_limited";
    case RejectionCode::kUnavailable:
      return "unavailable";
    case RejectionCode::kInternal:
      break;
  }
  return "internal";
}

std::optional<RejectionCode> rejection_code(std::string_view name) {
  using enum RejectionCode;
  static constexpr std::array kCodes = {kBadRequest,  kUnauthorized,  kForbidden,    kNotFound,
                                        kConflict,    kRuleViolation, kInvalidState, kTooLarge,
                                        kRateLimited, kUnavailable,   kInternal};
  for (const auto code : kCodes) {
    if (to_string(code) == name) return code;
  }
  return std::nullopt;
}

int http_status(RejectionCode code) {
  switch (code) {
    case RejectionCode::kBadRequest:
      return 400;
    case RejectionCode::kUnauthorized:
      return 401;
    case RejectionCode::kForbidden:
      return 403;
    case RejectionCode::kNotFound:
      return 404;
    case RejectionCode::kConflict:
      return 409;
    case RejectionCode::kRuleViolation:
    case RejectionCode::kInvalidState:
      return 422;
    case RejectionCode::kTooLarge:
      return 413;
    case RejectionCode::kRateLimited:
      return 429;
    case RejectionCode::kUnavailable:
      return 503;
    case RejectionCode::kInternal:
      break;
  }
  return 500;
}

Rejection reject(RejectionCode code, std::string message, nlohmann::json details) {
  return Rejection{code, std::move(message), std::move(details)};
}

}  // namespace grappe::domain
