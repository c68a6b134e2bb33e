// The only file that spells event names and their fields on the wire.
#include <array>
#include <utility>

#include "grappe/domain/events.h"
#include "json_fields.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;
using internal::get_bool;
using internal::get_int;
using internal::get_optional_string;
using internal::get_string;
using internal::get_string_array;
using Decoded = std::expected<Event, std::string>;

// Names in the order of the Event variant's alternatives.
constexpr std::array<std::string_view, std::variant_size_v<Event>> kNames{
    "GrappeCreated",
    "DetailsUpdated",
    "EstablishmentInvited",
    "InvitationAccepted",
    "InvitationRevoked",
    "InvitationDeclined",
    "MembershipWithdrawn",
    "MemberRemoved",
    "CommentPosted",
    "ValidationCompleted",
    "DossierSubmitted",
    "DossierReopened",
    "DecisionRecorded",
    "MembershipRecorded",
    "MembershipEnded",
    "EstablishmentProfileUpdated",
    "UserSaved",
    "UserRevoked"};

// Reads a field into `out`, or records the first error in `error`.
struct Reader {
  const Json& j;
  std::string error;

  void str(std::string_view key, std::string& out) {
    if (!error.empty()) return;
    if (auto v = get_string(j, key))
      out = std::move(*v);
    else
      error = v.error();
  }
  void opt(std::string_view key, std::optional<std::string>& out) {
    if (!error.empty()) return;
    if (auto v = get_optional_string(j, key))
      out = std::move(*v);
    else
      error = v.error();
  }
  void boolean(std::string_view key, bool& out) {
    if (!error.empty()) return;
    if (auto v = get_bool(j, key))
      out = *v;
    else
      error = v.error();
  }
  void integer(std::string_view key, int& out) {
    if (!error.empty()) return;
    if (auto v = get_int(j, key))
      out = static_cast<int>(*v);
    else
      error = v.error();
  }
  void strings(std::string_view key, std::vector<std::string>& out) {
    if (!error.empty()) return;
    if (auto v = get_string_array(j, key))
      out = std::move(*v);
    else
      error = v.error();
  }
  void dui(std::optional<Dui>& out) {
    if (!error.empty() || !j.contains("dui") || j["dui"].is_null()) return;
    Reader r{j["dui"], {}};
    Dui d;
    if (!j["dui"].is_object()) r.error = "champ 'dui' : objet attendu";
    r.str("vendor", d.vendor);
    r.str("software", d.software);
    error = r.error;
    out = d;
  }
};

void put_dui(Json& j, const std::optional<Dui>& dui) {
  if (dui) j["dui"] = {{"vendor", dui->vendor}, {"software", dui->software}};
}
void put_opt(Json& j, std::string_view key, const std::optional<std::string>& v) {
  if (v) j[key] = *v;
}

Json rule_json(const RuleResult& r) {
  Json j{{"rule", r.rule}, {"outcome", to_string(r.outcome)}, {"detail", r.detail}};
  if (!r.finess.empty()) j["finess"] = r.finess;
  return j;
}

// --- encode: one overload per event ---
Json enc(const GrappeCreated& e) {
  Json j{{"id", e.id},
         {"name", e.name},
         {"call", e.call},
         {"region", e.region},
         {"porteur", e.porteur},
         {"description", e.description},
         {"threshold", e.threshold}};
  put_dui(j, e.dui);
  return j;
}
Json enc(const DetailsUpdated& e) {
  Json j = Json::object();
  put_opt(j, "name", e.name);
  put_opt(j, "description", e.description);
  put_dui(j, e.dui);
  return j;
}
Json enc(const EstablishmentInvited& e) {
  return {{"finess", e.finess},
          {"ej", e.ej},
          {"name", e.name},
          {"category", e.category},
          {"departement", e.departement},
          {"message", e.message}};
}
Json enc(const InvitationAccepted& e) {
  return {{"finess", e.finess}};
}
Json enc(const InvitationRevoked& e) {
  return {{"finess", e.finess}};
}
Json enc(const InvitationDeclined& e) {
  return {{"finess", e.finess}, {"reason", e.reason}};
}
Json enc(const MembershipWithdrawn& e) {
  return {{"finess", e.finess}, {"reason", e.reason}};
}
Json enc(const MemberRemoved& e) {
  return {{"finess", e.finess}, {"reason", e.reason}};
}
Json enc(const CommentPosted& e) {
  return {{"text", e.text}};
}
Json enc(const ValidationCompleted& e) {
  return to_json(e.report);
}
Json enc(const DossierSubmitted&) {
  return Json::object();
}
Json enc(const DossierReopened& e) {
  return {{"reason", e.reason}};
}
Json enc(const DecisionRecorded& e) {
  return {{"decision", e.accepted ? "accepted" : "rejected"}, {"comment", e.comment}};
}
Json enc(const MembershipRecorded& e) {
  return {{"grappe", e.grappe}, {"call", e.call}};
}
Json enc(const MembershipEnded& e) {
  return {{"grappe", e.grappe}, {"call", e.call}, {"reason", e.reason}};
}
Json enc(const EstablishmentProfileUpdated& e) {
  Json j = Json::object();
  put_dui(j, e.dui);
  if (e.publics) j["publics"] = *e.publics;
  if (e.looking_for_grappe) j["lookingForGrappe"] = *e.looking_for_grappe;
  put_opt(j, "note", e.note);
  return j;
}
Json enc(const UserSaved& e) {
  return {{"user", to_json(e.user)}, {"tokenSha256", e.token_sha256}};
}
Json enc(const UserRevoked& e) {
  return {{"id", e.id}};
}

// --- decode: one function per event ---
template <typename E>
Decoded done(Reader& r, E e) {
  if (!r.error.empty()) return Decoded(std::unexpect, r.error);
  return Event(std::move(e));
}

Decoded dec_created(Reader& r) {
  GrappeCreated e;
  r.str("id", e.id);
  r.str("name", e.name);
  r.str("call", e.call);
  r.str("region", e.region);
  r.str("porteur", e.porteur);
  r.str("description", e.description);
  r.integer("threshold", e.threshold);
  r.dui(e.dui);
  return done(r, std::move(e));
}
Decoded dec_details(Reader& r) {
  DetailsUpdated e;
  r.opt("name", e.name);
  r.opt("description", e.description);
  r.dui(e.dui);
  return done(r, std::move(e));
}
Decoded dec_invited(Reader& r) {
  EstablishmentInvited e;
  r.str("finess", e.finess);
  r.str("ej", e.ej);
  r.str("name", e.name);
  r.str("category", e.category);
  r.str("departement", e.departement);
  r.str("message", e.message);
  return done(r, std::move(e));
}
template <typename E>
Decoded dec_finess(Reader& r) {
  E e;
  r.str("finess", e.finess);
  return done(r, std::move(e));
}
template <typename E>
Decoded dec_finess_reason(Reader& r) {
  E e;
  r.str("finess", e.finess);
  r.str("reason", e.reason);
  return done(r, std::move(e));
}
Decoded dec_comment(Reader& r) {
  CommentPosted e;
  r.str("text", e.text);
  return done(r, std::move(e));
}
Decoded dec_rule(const Json& j, RuleResult& out) {
  Reader r{j, {}};
  if (!j.is_object()) return Decoded(std::unexpect, "règle : objet attendu");
  std::string outcome;
  r.str("rule", out.rule);
  r.str("outcome", outcome);
  r.str("detail", out.detail);
  if (j.contains("finess")) r.strings("finess", out.finess);
  if (r.error.empty() && !parse_outcome(outcome)) r.error = "règle : 'outcome' inconnu";
  if (r.error.empty()) out.outcome = *parse_outcome(outcome);
  return done(r, DossierSubmitted{});
}
Decoded dec_validation(Reader& r) {
  ValidationCompleted e;
  r.boolean("eligible", e.report.eligible);
  r.integer("members", e.report.members);
  r.integer("threshold", e.report.threshold);
  r.str("registry", e.report.registry);
  if (r.error.empty() && !(r.j.contains("rules") && r.j["rules"].is_array()))
    r.error = "champ 'rules' : tableau attendu";
  for (std::size_t i = 0; r.error.empty() && i < r.j["rules"].size(); ++i) {
    RuleResult rule;
    if (auto d = dec_rule(r.j["rules"][i], rule); !d) r.error = d.error();
    e.report.rules.push_back(std::move(rule));
  }
  return done(r, std::move(e));
}
Decoded dec_submitted(Reader& r) {
  return done(r, DossierSubmitted{});
}
Decoded dec_reopened(Reader& r) {
  DossierReopened e;
  r.str("reason", e.reason);
  return done(r, std::move(e));
}
Decoded dec_decision(Reader& r) {
  DecisionRecorded e;
  std::string decision;
  r.str("decision", decision);
  r.str("comment", e.comment);
  if (r.error.empty() && decision != "accepted" && decision != "rejected")
    r.error = "champ 'decision' inconnu";
  e.accepted = decision == "accepted";
  return done(r, std::move(e));
}
Decoded dec_recorded(Reader& r) {
  MembershipRecorded e;
  r.str("grappe", e.grappe);
  r.str("call", e.call);
  return done(r, std::move(e));
}
Decoded dec_ended(Reader& r) {
  MembershipEnded e;
  r.str("grappe", e.grappe);
  r.str("call", e.call);
  r.str("reason", e.reason);
  return done(r, std::move(e));
}
Decoded dec_profile(Reader& r) {
  EstablishmentProfileUpdated e;
  r.dui(e.dui);
  if (r.j.contains("publics")) r.strings("publics", e.publics.emplace());
  if (r.j.contains("lookingForGrappe"))
    r.boolean("lookingForGrappe", e.looking_for_grappe.emplace());
  r.opt("note", e.note);
  return done(r, std::move(e));
}
Decoded dec_user_saved(Reader& r) {
  UserSaved e;
  r.str("tokenSha256", e.token_sha256);
  if (r.error.empty()) {
    auto user = r.j.contains("user") ? parse_user(r.j["user"])
                                     : std::expected<User, std::string>(std::unexpect, "user");
    if (user)
      e.user = std::move(*user);
    else
      r.error = user.error();
  }
  return done(r, std::move(e));
}
Decoded dec_user_revoked(Reader& r) {
  UserRevoked e;
  r.str("id", e.id);
  return done(r, std::move(e));
}

using DecodeFn = Decoded (*)(Reader&);
constexpr std::array<DecodeFn, std::variant_size_v<Event>> kDecoders{
    dec_created,
    dec_details,
    dec_invited,
    dec_finess<InvitationAccepted>,
    dec_finess<InvitationRevoked>,
    dec_finess_reason<InvitationDeclined>,
    dec_finess_reason<MembershipWithdrawn>,
    dec_finess_reason<MemberRemoved>,
    dec_comment,
    dec_validation,
    dec_submitted,
    dec_reopened,
    dec_decision,
    dec_recorded,
    dec_ended,
    dec_profile,
    dec_user_saved,
    dec_user_revoked};

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kWarn:
      return "warn";
    case Outcome::kFail:
      break;
  }
  return "fail";
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  for (Outcome o : {Outcome::kPass, Outcome::kWarn, Outcome::kFail})
    if (to_string(o) == text) return o;
  return std::nullopt;
}

Json to_json(const ValidationReport& report) {
  Json rules = Json::array();
  for (const RuleResult& r : report.rules) rules.push_back(rule_json(r));
  return {{"eligible", report.eligible},
          {"members", report.members},
          {"threshold", report.threshold},
          {"registry", report.registry},
          {"rules", std::move(rules)}};
}

std::string_view type_name(const Event& event) {
  return kNames[event.index()];
}

Json encode(const Event& event) {
  return std::visit([](const auto& e) { return enc(e); }, event);
}

std::expected<Event, std::string> decode(std::string_view type, const Json& data) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] != type) continue;
    if (!data.is_object()) return Decoded(std::unexpect, "données d'événement : objet attendu");
    Reader r{data, {}};
    return kDecoders[i](r);
  }
  return Decoded(std::unexpect, "type d'événement inconnu");
}

}  // namespace grappe::domain
