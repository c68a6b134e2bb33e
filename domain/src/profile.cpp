#include "grappe/domain/profile.h"

#include <algorithm>
#include <array>

#include "grappe/domain/finess.h"
#include "json_fields.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 8> kPublics = {
    "PA", "PH", "enfance", "AHI", "PJM", "addictions", "difficultés-spécifiques", "domicile"};

PublicSet bit(std::string_view name) {
  for (std::size_t i = 0; i < kPublics.size(); ++i)
    if (kPublics[i] == name) return static_cast<PublicSet>(1u << i);
  return 0;
}

Rejection bad(std::string message) {
  return reject(RejectionCode::kBadRequest, "Profil invalide : " + std::move(message));
}

std::expected<std::string, Rejection> text(const Json& j, std::string_view key, std::size_t max,
                                           bool multiline) {
  auto v = internal::get_string(j, key);
  if (!v) return std::unexpected(bad(v.error()));
  if (!internal::text_ok(*v, 0, max, multiline))
    return std::unexpected(bad("champ '" + std::string(key) + "' : texte de 0 à " +
                               std::to_string(max) + " caractères attendu"));
  return *v;
}

std::expected<std::optional<Dui>, Rejection> dui(const Json& body) {
  const auto it = body.find("dui");
  if (it == body.end() || it->is_null()) return std::optional<Dui>();
  if (!it->is_object()) return std::unexpected(bad("champ 'dui' : objet attendu"));
  auto vendor = text(*it, "vendor", kMaxNameLength, false);
  if (!vendor) return std::unexpected(vendor.error());
  auto software = text(*it, "software", kMaxNameLength, false);
  if (!software) return std::unexpected(software.error());
  return std::optional<Dui>(Dui{*vendor, *software});
}

std::expected<std::optional<std::vector<std::string>>, Rejection> publics(const Json& body) {
  if (!body.contains("publics") || body["publics"].is_null())
    return std::optional<std::vector<std::string>>();
  auto names = internal::get_string_array(body, "publics");
  if (!names) return std::unexpected(bad(names.error()));
  PublicSet set = 0;
  for (const auto& name : *names) {
    const PublicSet b = bit(name);
    if (!b)
      return std::unexpected(
          bad("champ 'publics' : public inconnu (PA, PH, enfance, AHI, PJM, addictions, "
              "difficultés-spécifiques, domicile)"));
    set |= b;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kPublics.size(); ++i)
    if (set & (1u << i)) out.emplace_back(kPublics[i]);
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace

std::span<const std::string_view> profile_publics() {
  return kPublics;
}

PublicSet public_set(const std::vector<std::string>& names) {
  PublicSet set = 0;
  for (const auto& name : names) set |= bit(name);
  return set;
}

PublicSet category_publics(std::string_view category) {
  if (category == "354" || category == "460" || category == "209") return bit("domicile");
  const Category* c = find_category(category);
  if (!c) return 0;
  const std::string_view p = c->public_;
  if (p == "PA") return bit("PA");
  if (p == "PH-enfants") return bit("PH") | bit("enfance");
  if (p == "PH-adultes") return bit("PH");
  if (p == "protection-enfance" || p == "justice-mineurs") return bit("enfance");
  if (p == "protection-majeurs") return bit("PJM");
  if (p == "AHI") return bit("AHI");
  if (p == "addictions") return bit("addictions");
  if (p == "difficultés-spécifiques") return bit("difficultés-spécifiques");
  return 0;
}

std::expected<EstablishmentProfile, Rejection> parse_profile(const Json& body) {
  if (!body.is_object()) return std::unexpected(bad("objet JSON attendu"));
  EstablishmentProfile p;
  auto d = dui(body);
  if (!d) return std::unexpected(d.error());
  p.dui = *d;
  auto pub = publics(body);
  if (!pub) return std::unexpected(pub.error());
  p.publics = std::move(*pub);
  if (body.contains("lookingForGrappe") && !body["lookingForGrappe"].is_null()) {
    auto looking = internal::get_bool(body, "lookingForGrappe");
    if (!looking) return std::unexpected(bad(looking.error()));
    p.looking_for_grappe = *looking;
  }
  if (body.contains("note") && !body["note"].is_null()) {
    auto note = text(body, "note", kMaxNoteLength, true);
    if (!note) return std::unexpected(note.error());
    p.note = std::move(*note);
  }
  return p;
}

std::expected<std::optional<EstablishmentProfileUpdated>, Rejection> decide_profile(
    const User& user, const Establishment* establishment, const EsmsState& current,
    const EstablishmentProfile& update) {
  if (!establishment)
    return std::unexpected(reject(RejectionCode::kNotFound, "Établissement introuvable."));
  if (!acts_for(user, establishment->ej))
    return std::unexpected(reject(RejectionCode::kForbidden,
                                  "Seul le gestionnaire de l'établissement (son organisme "
                                  "gestionnaire) peut modifier son profil."));
  const EstablishmentProfile& now = current.profile;
  EstablishmentProfileUpdated change;
  if (update.dui && update.dui != now.dui) change.dui = update.dui;
  if (update.publics && update.publics != now.publics) change.publics = update.publics;
  if (update.looking_for_grappe && update.looking_for_grappe != now.looking_for_grappe)
    change.looking_for_grappe = update.looking_for_grappe;
  if (update.note && update.note != now.note) change.note = update.note;
  if (change == EstablishmentProfileUpdated{}) return std::nullopt;
  return std::optional<EstablishmentProfileUpdated>(std::move(change));
}

Json profile_json(const EstablishmentProfile& p) {
  Json dui = nullptr;
  if (p.dui) dui = {{"vendor", p.dui->vendor}, {"software", p.dui->software}};
  return {{"dui", std::move(dui)},
          {"publics", p.publics.value_or(std::vector<std::string>{})},
          {"lookingForGrappe", p.looking_for_grappe.value_or(false)},
          {"note", p.note.value_or("")}};
}

}  // namespace grappe::domain
