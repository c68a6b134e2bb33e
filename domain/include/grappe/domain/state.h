// grappe/domain/state.h — states folded from events: a grappe, an establishment's memberships.
// evolve functions are pure and total: an event that does not apply leaves the state as it was
// (but for its version), so that replaying any valid history never fails.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grappe/domain/events.h"

namespace grappe::domain {

enum class GrappeStatus { kOpen, kSubmitted, kAccepted, kRejected };
std::string_view to_string(GrappeStatus status);  // "open", "submitted", "accepted", "rejected"

enum class MemberStatus { kInvited, kAccepted, kDeclined, kRevoked, kWithdrawn, kRemoved };
std::string_view to_string(MemberStatus status);  // "invited", …, "removed"

struct Member {
  std::string finess, ej, name, category, departement;
  MemberStatus status = MemberStatus::kInvited;
  std::string since;  // `at` of the event that gave it its status
  bool operator==(const Member&) const = default;
};

struct MemberCounts {
  int invited = 0, accepted = 0, declined = 0, revoked = 0, withdrawn = 0, removed = 0;
  int& operator[](MemberStatus status);
  bool operator==(const MemberCounts&) const = default;
};

struct Actor {
  std::string id, name;
  bool operator==(const Actor&) const = default;
};

struct Comment {
  std::string text;
  Actor by;
  std::string at;
  bool operator==(const Comment&) const = default;
};

struct DecisionInfo {
  bool accepted = false;
  std::string comment;
  Actor by;
  std::string at;
  bool operator==(const DecisionInfo&) const = default;
};

struct GrappeState {
  std::uint64_t version = 0;  // 0: the grappe does not exist
  std::string id, name, call, region, porteur, description;
  std::optional<Dui> dui;
  GrappeStatus status = GrappeStatus::kOpen;
  int threshold = 0;
  std::vector<Member> members;  // in order of first invitation
  MemberCounts counts;
  std::optional<ValidationReport> last_validation;
  std::string last_validation_at;
  std::optional<DecisionInfo> decision;
  std::vector<Comment> comments;
  std::string created_at;

  bool exists() const { return version != 0; }
  const Member* member(std::string_view finess) const;
  bool operator==(const GrappeState&) const = default;

  // finess → index in members; kept by evolve().
  std::unordered_map<std::string, std::size_t> member_index;
};

// Applies one event of the grappe's stream; sets version = meta.version.
GrappeState evolve(GrappeState state, const Event& event, const EventMeta& meta);
// The same, in place (read models fold millions of events: no move of the state per event).
void evolve_in_place(GrappeState& state, const Event& event, const EventMeta& meta);

// PROTOCOL.md "Grappe state", plus `counts.revoked`, `comments`:[{text, by:{id,name}, at}] and
// `createdAt`.
nlohmann::json to_json(const GrappeState& state);
// {id,name,call,region,porteur,status,version,counts,threshold} for GET /api/grappes.
nlohmann::json summary_json(const GrappeState& state);
nlohmann::json to_json(const Member& member);

// The fold of stream esms-<finess>.
struct EsmsState {
  std::uint64_t version = 0;
  struct Membership {
    std::string grappe, call;
    std::string status;  // "accepted", then the MembershipEnded reason ("withdrawn", "removed")
    bool operator==(const Membership&) const = default;
  };
  std::vector<Membership> memberships;
  EstablishmentProfileUpdated profile;  // the fields set so far (issue 8)

  // The grappe in which the establishment is accepted for `call`, or nullptr.
  const Membership* accepted_in(std::string_view call) const;
  bool operator==(const EsmsState&) const = default;
};

EsmsState evolve_esms(EsmsState state, const Event& event, const EventMeta& meta);
void evolve_esms_in_place(EsmsState& state, const Event& event, const EventMeta& meta);
// {"memberships":[{grappe,call,status}], "profile":{…}}
nlohmann::json to_json(const EsmsState& state);

}  // namespace grappe::domain
