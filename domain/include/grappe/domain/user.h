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

// How a user wants to hear of what happens in its grappes (PROTOCOL.md v2): one e-mail per
// event, one digest a day, or nothing.
enum class Notifications { kImmediate, kDaily, kOff };

// Wire names: "immediate", "daily", "off".
std::string_view to_string(Notifications n);
std::optional<Notifications> parse_notifications(std::string_view name);

struct User {
  std::string id, name;
  Role role = Role::kGestionnaire;
  std::vector<std::string> og;       // FINESS EJ numbers (gestionnaire)
  std::vector<std::string> regions;  // INSEE region codes (ars)
  std::string email;                 // empty: none
  Notifications notifications = Notifications::kImmediate;
  bool operator==(const User&) const = default;
};

// {"id","name","role","og":[…],"regions":[…],"email":"…"|null,"notifications":"…"} as
// PROTOCOL's `welcome.user`.
nlohmann::json to_json(const User& user);

// Strict: `id` (1–64 of [A-Za-z0-9._@-]), `name` (1–200 chars), `role` (a wire name), `og`
// (optional array of FINESS numbers, checked with valid_finess_strict), `regions` (optional array
// of known INSEE region codes), `email` (optional, see valid_email), `notifications` (optional wire
// name, default immediate). Unknown fields are ignored. The error names the field, never
// echoes the value.
std::expected<User, std::string> parse_user(const nlohmann::json& json);

// A plain address: 3–254 characters, one '@' with text on both sides, a dot in the domain, no
// spaces, controls, quotes or angle brackets (it goes into mail headers as is).
bool valid_email(std::string_view email);
// Lowercase ASCII copy, for case-insensitive comparisons of addresses.
std::string email_key(std::string_view email);

// True when `user` is a gestionnaire acting for the organisation `ej`.
bool acts_for(const User& user, std::string_view ej);
// True when `user` is an ARS agent of `region`.
bool instructs(const User& user, std::string_view region);

}  // namespace grappe::domain
