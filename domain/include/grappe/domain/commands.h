// grappe/domain/commands.h — the commands of PROTOCOL.md, one type each, and their strict parser.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "grappe/domain/rejection.h"

namespace grappe::domain {

struct Dui {
  std::string vendor, software;
  bool operator==(const Dui&) const = default;
};

// Text limits, in Unicode code points.
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxDescriptionLength = 4000;
inline constexpr std::size_t kMaxReasonLength = 1000;
inline constexpr std::size_t kMaxCommentLength = 4000;

struct CreateGrappe {
  std::string name, call, region, porteur;  // porteur: FINESS EJ
  std::string description;
  std::optional<Dui> dui;
  bool operator==(const CreateGrappe&) const = default;
};
struct UpdateDetails {
  std::optional<std::string> name, description;
  std::optional<Dui> dui;
  bool operator==(const UpdateDetails&) const = default;
};
struct InviteEstablishment {
  std::string finess, message;
  bool operator==(const InviteEstablishment&) const = default;
};
struct RevokeInvitation {
  std::string finess;
  bool operator==(const RevokeInvitation&) const = default;
};
struct AcceptInvitation {
  std::string finess;
  bool operator==(const AcceptInvitation&) const = default;
};
struct DeclineInvitation {
  std::string finess, reason;
  bool operator==(const DeclineInvitation&) const = default;
};
struct WithdrawMembership {
  std::string finess, reason;
  bool operator==(const WithdrawMembership&) const = default;
};
struct RemoveMember {
  std::string finess, reason;
  bool operator==(const RemoveMember&) const = default;
};
struct PostComment {
  std::string text;
  bool operator==(const PostComment&) const = default;
};
struct RequestValidation {
  bool operator==(const RequestValidation&) const = default;
};
struct SubmitDossier {
  bool operator==(const SubmitDossier&) const = default;
};
struct ReopenDossier {
  std::string reason;
  bool operator==(const ReopenDossier&) const = default;
};
struct RecordDecision {
  bool accepted = false;  // wire: "decision": "accepted" | "rejected"
  std::string comment;
  bool operator==(const RecordDecision&) const = default;
};

using Command =
    std::variant<CreateGrappe, UpdateDetails, InviteEstablishment, RevokeInvitation,
                 AcceptInvitation, DeclineInvitation, WithdrawMembership, RemoveMember, PostComment,
                 RequestValidation, SubmitDossier, ReopenDossier, RecordDecision>;

// The PROTOCOL.md name of the command ("InviteEstablishment").
std::string_view command_name(const Command& command);

// `payload` must be an object (null accepted for commands without fields). An unknown name, a
// missing or mistyped field, a text over its limit or with control characters, an invalid
// FINESS format (valid_finess_format; `porteur` is checked strictly), an unknown region → a
// `bad_request` whose message names the field but never repeats its value. Unknown fields are
// ignored.
std::expected<Command, Rejection> parse_command(std::string_view name,
                                                const nlohmann::json& payload);

}  // namespace grappe::domain
