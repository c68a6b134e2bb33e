#include "grappe/domain/commands.h"

#include <array>
#include <functional>
#include <utility>

#include "grappe/domain/finess.h"
#include "json_fields.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;
using Parsed = std::expected<Command, Rejection>;
template <typename T>
using Field = std::expected<T, Rejection>;

Rejection bad(std::string message) {
  return reject(RejectionCode::kBadRequest, "Commande invalide : " + std::move(message));
}

// A text field: required (min ≥ 1) or optional (absent = empty).
Field<std::string> text(const Json& p, std::string_view key, std::size_t min, std::size_t max,
                        bool multiline = false) {
  auto v = internal::get_optional_string(p, key);
  if (!v) return std::unexpected(bad(v.error()));
  const std::string value = v->value_or("");
  if (!*v && min > 0) return std::unexpected(bad("champ '" + std::string(key) + "' manquant"));
  if (!internal::text_ok(value, min, max, multiline))
    return std::unexpected(bad("champ '" + std::string(key) + "' : texte de " +
                               std::to_string(min) + " à " + std::to_string(max) +
                               " caractères attendu"));
  return value;
}

Field<std::optional<std::string>> optional_text(const Json& p, std::string_view key,
                                                std::size_t min, std::size_t max, bool multiline) {
  if (!p.contains(key) || p[key].is_null()) return std::optional<std::string>();
  auto v = text(p, key, min, max, multiline);
  if (!v) return std::unexpected(v.error());
  return std::optional<std::string>(std::move(*v));
}

Field<std::string> finess(const Json& p, std::string_view key = "finess") {
  auto v = text(p, key, 1, 9);
  if (!v) return v;
  if (!valid_finess_format(*v))
    return std::unexpected(bad("champ '" + std::string(key) + "' : numéro FINESS invalide"));
  return v;
}

Field<std::optional<Dui>> dui(const Json& p) {
  if (!p.contains("dui") || p["dui"].is_null()) return std::optional<Dui>();
  if (!p["dui"].is_object()) return std::unexpected(bad("champ 'dui' : objet attendu"));
  auto vendor = text(p["dui"], "vendor", 1, kMaxNameLength);
  if (!vendor) return std::unexpected(vendor.error());
  auto software = text(p["dui"], "software", 1, kMaxNameLength);
  if (!software) return std::unexpected(software.error());
  return std::optional<Dui>(Dui{*vendor, *software});
}

Parsed create(const Json& p) {
  CreateGrappe c;
  auto name = text(p, "name", 1, kMaxNameLength);
  auto call = text(p, "call", 1, 64);
  auto region = text(p, "region", 1, 2);
  auto porteur = finess(p, "porteur");
  auto description = text(p, "description", 0, kMaxDescriptionLength, true);
  auto d = dui(p);
  for (auto* f : {&name, &call, &region, &porteur, &description})
    if (!*f) return std::unexpected(f->error());
  if (!d) return std::unexpected(d.error());
  if (!valid_region(*region)) return std::unexpected(bad("champ 'region' : région inconnue"));
  if (!valid_finess_strict(*porteur))
    return std::unexpected(bad("champ 'porteur' : numéro FINESS invalide (clé de contrôle)"));
  return CreateGrappe{*name, *call, *region, *porteur, *description, *d};
}

Parsed update(const Json& p) {
  auto name = optional_text(p, "name", 1, kMaxNameLength, false);
  auto description = optional_text(p, "description", 0, kMaxDescriptionLength, true);
  auto d = dui(p);
  if (!name) return std::unexpected(name.error());
  if (!description) return std::unexpected(description.error());
  if (!d) return std::unexpected(d.error());
  if (!*name && !*description && !*d)
    return std::unexpected(bad("au moins un des champs 'name', 'description', 'dui' attendu"));
  return UpdateDetails{*name, *description, *d};
}

// Commands made of a FINESS and an optional or required text.
template <typename T>
Parsed finess_and(const Json& p, std::string_view key, std::size_t min, std::size_t max) {
  auto f = finess(p);
  if (!f) return std::unexpected(f.error());
  auto t = text(p, key, min, max, true);
  if (!t) return std::unexpected(t.error());
  return T{*f, *t};
}

template <typename T>
Parsed finess_only(const Json& p) {
  auto f = finess(p);
  if (!f) return std::unexpected(f.error());
  return T{*f};
}

Parsed comment(const Json& p) {
  auto t = text(p, "text", 1, kMaxCommentLength, true);
  if (!t) return std::unexpected(t.error());
  return PostComment{*t};
}

Parsed reopen(const Json& p) {
  auto t = text(p, "reason", 1, kMaxReasonLength, true);
  if (!t) return std::unexpected(t.error());
  return ReopenDossier{*t};
}

Parsed decision(const Json& p) {
  auto d = text(p, "decision", 1, 16);
  if (!d) return std::unexpected(d.error());
  if (*d != "accepted" && *d != "rejected")
    return std::unexpected(bad("champ 'decision' : \"accepted\" ou \"rejected\" attendu"));
  auto c = text(p, "comment", 0, kMaxCommentLength, true);
  if (!c) return std::unexpected(c.error());
  return RecordDecision{*d == "accepted", *c};
}

using Parser = Parsed (*)(const Json&);
constexpr std::array<std::pair<std::string_view, Parser>, 13> kParsers{{
    {"CreateGrappe", create},
    {"UpdateDetails", update},
    {"InviteEstablishment",
     [](const Json& p) {
       return finess_and<InviteEstablishment>(p, "message", 0, kMaxReasonLength);
     }},
    {"RevokeInvitation", finess_only<RevokeInvitation>},
    {"AcceptInvitation", finess_only<AcceptInvitation>},
    {"DeclineInvitation",
     [](const Json& p) { return finess_and<DeclineInvitation>(p, "reason", 0, kMaxReasonLength); }},
    {"WithdrawMembership",
     [](const Json& p) {
       return finess_and<WithdrawMembership>(p, "reason", 1, kMaxReasonLength);
     }},
    {"RemoveMember",
     [](const Json& p) { return finess_and<RemoveMember>(p, "reason", 1, kMaxReasonLength); }},
    {"PostComment", comment},
    {"RequestValidation", [](const Json&) -> Parsed { return RequestValidation{}; }},
    {"SubmitDossier", [](const Json&) -> Parsed { return SubmitDossier{}; }},
    {"ReopenDossier", reopen},
    {"RecordDecision", decision},
}};

}  // namespace

std::string_view command_name(const Command& command) {
  return kParsers[command.index()].first;
}

std::expected<Command, Rejection> parse_command(std::string_view name,
                                                const nlohmann::json& payload) {
  for (const auto& [known, parser] : kParsers) {
    if (known != name) continue;
    if (payload.is_null()) return parser(Json::object());
    if (!payload.is_object()) return std::unexpected(bad("'payload' doit être un objet"));
    return parser(payload);
  }
  return std::unexpected(bad("nom de commande inconnu"));
}

}  // namespace grappe::domain
