#include "grappe/domain/state.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

Json counts_json(const MemberCounts& c) {
  return {{"invited", c.invited},     {"accepted", c.accepted}, {"declined", c.declined},
          {"withdrawn", c.withdrawn}, {"removed", c.removed},   {"revoked", c.revoked}};
}

Json actor_json(const Actor& a) {
  return {{"id", a.id}, {"name", a.name}};
}

Json dui_json(const std::optional<Dui>& dui) {
  if (!dui) return nullptr;
  return {{"vendor", dui->vendor}, {"software", dui->software}};
}

Json decision_json(const std::optional<DecisionInfo>& d) {
  if (!d) return nullptr;
  return {{"decision", d->accepted ? "accepted" : "rejected"},
          {"comment", d->comment},
          {"by", actor_json(d->by)},
          {"at", d->at}};
}

}  // namespace

Json to_json(const Member& m) {
  return {{"finess", m.finess},
          {"ej", m.ej},
          {"name", m.name},
          {"category", m.category},
          {"departement", m.departement},
          {"status", to_string(m.status)},
          {"since", m.since}};
}

Json summary_json(const GrappeState& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"call", s.call},
          {"region", s.region},
          {"porteur", s.porteur},
          {"status", to_string(s.status)},
          {"version", s.version},
          {"counts", counts_json(s.counts)},
          {"threshold", s.threshold}};
}

Json to_json(const GrappeState& s) {
  Json j = summary_json(s);
  j["description"] = s.description;
  j["dui"] = dui_json(s.dui);
  Json members = Json::array();
  for (const Member& m : s.members) members.push_back(to_json(m));
  j["members"] = std::move(members);
  j["lastValidation"] = nullptr;
  if (s.last_validation) {
    j["lastValidation"] = to_json(*s.last_validation);
    j["lastValidation"]["at"] = s.last_validation_at;
  }
  j["decision"] = decision_json(s.decision);
  Json comments = Json::array();
  for (const Comment& c : s.comments)
    comments.push_back({{"text", c.text}, {"by", actor_json(c.by)}, {"at", c.at}});
  j["comments"] = std::move(comments);
  j["createdAt"] = s.created_at;
  return j;
}

Json to_json(const EsmsState& s) {
  Json memberships = Json::array();
  for (const auto& m : s.memberships)
    memberships.push_back({{"grappe", m.grappe}, {"call", m.call}, {"status", m.status}});
  Json profile = encode(Event(s.profile));
  return {{"memberships", std::move(memberships)}, {"profile", std::move(profile)}};
}

}  // namespace grappe::domain
