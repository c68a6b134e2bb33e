// grappe/domain/user.h — who acts: roles and users as PROTOCOL.md "Identity" describes them.
// Token handling belongs to the server; this header knows only token hashes (users_stream.h).
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain {

enum class Role { kGestionnaire, kArs, kAuditor, kAdmin };

// Wire names: "gestionnaire", "ars", "auditor", "admin".
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::string id, name;
  Role role = Role::kGestionnaire;
  std::vector<std::string> og;       // FINESS EJ numbers (gestionnaire)
  std::vector<std::string> regions;  // INSEE region codes (ars)
  bool operator==(const User&) const = default;
};

// {"id","name","role","og":[…],"regions":[…]} as PROTOCOL's `welcome.user`.
nlohmann::json to_json(const User& user);

// Strict: `id` (1–64 of [A-Za-z0-9._@-]), `name` (1–200 chars), `role` (a wire name), `og`
// (optional array of FINESS numbers, checked with valid_finess_strict), `regions` (optional array
// of known INSEE region codes). Unknown fields are ignored. The error names the field, never
// echoes the value.
std::expected<User, std::string> parse_user(const nlohmann::json& json);

// True when `user` is a gestionnaire acting for the organisation `ej`.
bool acts_for(const User& user, std::string_view ej);
// True when `user` is an ARS agent of `region`.
bool instructs(const User& user, std::string_view region);

}  // namespace grappe::domain
