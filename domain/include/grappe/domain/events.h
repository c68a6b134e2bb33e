// grappe/domain/events.h — every event as a type, and the codec. The wire names of events and of
// their fields are written once, in src/event_codec.cpp.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "grappe/domain/commands.h"
#include "grappe/domain/user.h"
#include "grappe/domain/validation.h"

namespace grappe::domain {

// --- stream grappe-<id> ---
struct GrappeCreated {
  std::string id, name, call, region, porteur, description;
  std::optional<Dui> dui;
  int threshold = 0;  // from the call configuration, for the grappe's region, at creation
  bool operator==(const GrappeCreated&) const = default;
};
struct DetailsUpdated {
  std::optional<std::string> name, description;
  std::optional<Dui> dui;
  bool operator==(const DetailsUpdated&) const = default;
};
// Carries the registry's facts at invitation time, so that folding never needs the registry.
struct EstablishmentInvited {
  std::string finess, ej, name, category, departement, message;
  bool operator==(const EstablishmentInvited&) const = default;
};
struct InvitationAccepted {
  std::string finess;
  bool operator==(const InvitationAccepted&) const = default;
};
struct InvitationRevoked {
  std::string finess;
  bool operator==(const InvitationRevoked&) const = default;
};
struct InvitationDeclined {
  std::string finess, reason;
  bool operator==(const InvitationDeclined&) const = default;
};
struct MembershipWithdrawn {
  std::string finess, reason;
  bool operator==(const MembershipWithdrawn&) const = default;
};
struct MemberRemoved {
  std::string finess, reason;
  bool operator==(const MemberRemoved&) const = default;
};
struct CommentPosted {
  std::string text;
  bool operator==(const CommentPosted&) const = default;
};
struct ValidationCompleted {
  ValidationReport report;
  bool operator==(const ValidationCompleted&) const = default;
};
struct DossierSubmitted {
  bool operator==(const DossierSubmitted&) const = default;
};
struct DossierReopened {
  std::string reason;
  bool operator==(const DossierReopened&) const = default;
};
struct DecisionRecorded {
  bool accepted = false;  // wire: "decision": "accepted" | "rejected"
  std::string comment;
  bool operator==(const DecisionRecorded&) const = default;
};

// --- stream esms-<finess> ---
struct MembershipRecorded {
  std::string grappe, call;
  bool operator==(const MembershipRecorded&) const = default;
};
struct MembershipEnded {
  std::string grappe, call;
  std::string reason;  // "withdrawn" | "removed"
  bool operator==(const MembershipEnded&) const = default;
};
struct EstablishmentProfileUpdated {  // issue 8
  std::optional<Dui> dui;
  std::optional<std::vector<std::string>> publics;
  std::optional<bool> looking_for_grappe;
  std::optional<std::string> note;
  bool operator==(const EstablishmentProfileUpdated&) const = default;
};

// --- stream users ---
struct UserSaved {
  User user;
  std::string token_sha256;  // hex; empty = keep the previous token
  bool operator==(const UserSaved&) const = default;
};
struct UserRevoked {
  std::string id;
  bool operator==(const UserRevoked&) const = default;
};

using Event = std::variant<GrappeCreated, DetailsUpdated, EstablishmentInvited, InvitationAccepted,
                           InvitationRevoked, InvitationDeclined, MembershipWithdrawn,
                           MemberRemoved, CommentPosted, ValidationCompleted, DossierSubmitted,
                           DossierReopened, DecisionRecorded, MembershipRecorded, MembershipEnded,
                           EstablishmentProfileUpdated, UserSaved, UserRevoked>;

// What the store knows about an event besides its data.
struct EventMeta {
  std::uint64_t version = 0;  // 1-based place in its stream
  std::string at;             // RFC 3339 UTC with milliseconds
  std::string actor_id, actor_name;
  bool operator==(const EventMeta&) const = default;
};

// "InvitationAccepted", …
std::string_view type_name(const Event& event);
// The `data` object.
nlohmann::json encode(const Event& event);
// Strict inverse of encode(); an unknown type or a missing/mistyped field → the error.
std::expected<Event, std::string> decode(std::string_view type, const nlohmann::json& data);

// ValidationCompleted's data object, also used for `lastValidation`.
nlohmann::json to_json(const ValidationReport& report);

}  // namespace grappe::domain
