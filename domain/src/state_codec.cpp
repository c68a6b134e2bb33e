#include "grappe/domain/state_codec.h"

#include <array>

#include "json_fields.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;
using internal::get_int;
using internal::get_string;

// Collects the first error; later reads are no-ops once one failed.
struct Reader {
  const Json& j;
  std::string error;

  void str(std::string_view key, std::string& out) {
    if (!error.empty()) return;
    auto v = get_string(j, key);
    v ? void(out = std::move(*v)) : void(error = v.error());
  }
  template <typename Int>
  void integer(std::string_view key, Int& out) {
    if (!error.empty()) return;
    auto v = get_int(j, key);
    v ? void(out = static_cast<Int>(*v)) : void(error = v.error());
  }
  const Json* object(std::string_view key, bool nullable) {
    if (!error.empty()) return nullptr;
    auto it = j.find(key);
    if (it != j.end() && it->is_object()) return &*it;
    if (nullable && it != j.end() && it->is_null()) return nullptr;
    error = "champ '" + std::string(key) + "' : objet attendu";
    return nullptr;
  }
  const Json* array(std::string_view key) {
    if (!error.empty()) return nullptr;
    auto it = j.find(key);
    if (it != j.end() && it->is_array()) return &*it;
    error = "champ '" + std::string(key) + "' : liste attendue";
    return nullptr;
  }
};

template <typename Enum>
bool enum_from(std::string_view text, Enum& out, std::initializer_list<Enum> values) {
  for (Enum v : values) {
    if (to_string(v) == text) {
      out = v;
      return true;
    }
  }
  return false;
}

Actor actor_from(const Json& j, std::string& error) {
  Reader r{j, {}};
  Actor a;
  r.str("id", a.id);
  r.str("name", a.name);
  if (error.empty()) error = r.error;
  return a;
}

std::expected<Member, std::string> member_from(const Json& j) {
  if (!j.is_object()) return std::unexpected("membre : objet attendu");
  Reader r{j, {}};
  Member m;
  std::string status;
  r.str("finess", m.finess);
  r.str("ej", m.ej);
  r.str("name", m.name);
  r.str("category", m.category);
  r.str("departement", m.departement);
  r.str("status", status);
  r.str("since", m.since);
  if (!r.error.empty()) return std::unexpected(r.error);
  using S = MemberStatus;
  if (!enum_from(
          status, m.status,
          {S::kInvited, S::kAccepted, S::kDeclined, S::kRevoked, S::kWithdrawn, S::kRemoved}))
    return std::unexpected("statut de membre inconnu");
  return m;
}

void read_counts(Reader& r, MemberCounts& c) {
  const Json* counts = r.object("counts", false);
  if (!counts) return;
  Reader cr{*counts, {}};
  cr.integer("invited", c.invited);
  cr.integer("accepted", c.accepted);
  cr.integer("declined", c.declined);
  cr.integer("revoked", c.revoked);
  cr.integer("withdrawn", c.withdrawn);
  cr.integer("removed", c.removed);
  r.error = cr.error;
}

void read_extras(Reader& r, GrappeState& s) {
  if (const Json* dui = r.object("dui", true)) {
    Reader dr{*dui, {}};
    Dui d;
    dr.str("vendor", d.vendor);
    dr.str("software", d.software);
    r.error = dr.error;
    s.dui = d;
  }
  if (const Json* lv = r.object("lastValidation", true)) {
    auto decoded = decode("ValidationCompleted", *lv);
    if (!decoded) {
      r.error = decoded.error();
      return;
    }
    s.last_validation = std::get<ValidationCompleted>(*decoded).report;
    Reader lr{*lv, {}};
    lr.str("at", s.last_validation_at);
    r.error = lr.error;
  }
  if (const Json* d = r.object("decision", true)) {
    Reader dr{*d, {}};
    DecisionInfo info;
    std::string decision;
    dr.str("decision", decision);
    dr.str("comment", info.comment);
    dr.str("at", info.at);
    if (const Json* by = dr.object("by", false)) info.by = actor_from(*by, dr.error);
    if (dr.error.empty() && decision != "accepted" && decision != "rejected")
      dr.error = "décision inconnue";
    info.accepted = decision == "accepted";
    r.error = dr.error;
    s.decision = info;
  }
}

}  // namespace

std::expected<GrappeState, std::string> grappe_state_from_json(const Json& j) {
  if (!j.is_object()) return std::unexpected("état : objet attendu");
  Reader r{j, {}};
  GrappeState s;
  std::string status;
  r.integer("version", s.version);
  r.str("id", s.id);
  r.str("name", s.name);
  r.str("call", s.call);
  r.str("region", s.region);
  r.str("porteur", s.porteur);
  r.str("description", s.description);
  r.str("status", status);
  r.integer("threshold", s.threshold);
  r.str("createdAt", s.created_at);
  read_counts(r, s.counts);
  read_extras(r, s);
  if (const Json* members = r.array("members")) {
    for (const Json& m : *members) {
      auto member = member_from(m);
      if (!member) return std::unexpected(member.error());
      s.member_index.emplace(member->finess, s.members.size());
      s.members.push_back(std::move(*member));
    }
  }
  if (const Json* comments = r.array("comments")) {
    for (const Json& c : *comments) {
      Reader cr{c, {}};
      Comment comment;
      if (!c.is_object()) return std::unexpected("commentaire : objet attendu");
      cr.str("text", comment.text);
      cr.str("at", comment.at);
      if (const Json* by = cr.object("by", false)) comment.by = actor_from(*by, cr.error);
      if (!cr.error.empty()) return std::unexpected(cr.error);
      s.comments.push_back(std::move(comment));
    }
  }
  if (!r.error.empty()) return std::unexpected(r.error);
  using G = GrappeStatus;
  if (!enum_from(status, s.status, {G::kOpen, G::kSubmitted, G::kAccepted, G::kRejected}))
    return std::unexpected("statut de grappe inconnu");
  return s;
}

Json esms_state_json(const EsmsState& state) {
  Json j = to_json(state);
  j["version"] = state.version;
  return j;
}

std::expected<EsmsState, std::string> esms_state_from_json(const Json& j) {
  if (!j.is_object()) return std::unexpected("état : objet attendu");
  Reader r{j, {}};
  EsmsState s;
  r.integer("version", s.version);
  if (const Json* memberships = r.array("memberships")) {
    for (const Json& m : *memberships) {
      if (!m.is_object()) return std::unexpected("adhésion : objet attendu");
      Reader mr{m, {}};
      EsmsState::Membership ms;
      mr.str("grappe", ms.grappe);
      mr.str("call", ms.call);
      mr.str("status", ms.status);
      if (!mr.error.empty()) return std::unexpected(mr.error);
      s.memberships.push_back(std::move(ms));
    }
  }
  if (const Json* profile = r.object("profile", false)) {
    auto decoded = decode("EstablishmentProfileUpdated", *profile);
    if (!decoded) return std::unexpected(decoded.error());
    s.profile = std::get<EstablishmentProfileUpdated>(*decoded);
  }
  if (!r.error.empty()) return std::unexpected(r.error);
  return s;
}

Json user_entry_json(const UserDirectory& directory, const User& user) {
  auto token = directory.token_hashes.find(user.id);
  return encode(Event(UserSaved{user, token == directory.token_hashes.end() ? "" : token->second}));
}

std::expected<void, std::string> add_user_entry(UserDirectory& directory, const Json& j) {
  auto decoded = decode("UserSaved", j);
  if (!decoded) return std::unexpected(decoded.error());
  auto version = directory.version;
  directory = evolve_users(std::move(directory), *decoded, EventMeta{version, {}, {}, {}});
  return {};
}

}  // namespace grappe::domain
