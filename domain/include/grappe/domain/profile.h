// grappe/domain/profile.h — an establishment's profile (issue 8): its current DUI, the publics it
// serves, whether it is looking for a grappe, a note. Recorded by the gestionnaire of its EJ as
// EstablishmentProfileUpdated on esms-<finess>; folded into EsmsState::profile.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "grappe/domain/events.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/rejection.h"
#include "grappe/domain/state.h"
#include "grappe/domain/user.h"

namespace grappe::domain {

// The profile as folded so far: every field set by some update, the others unset.
using EstablishmentProfile = EstablishmentProfileUpdated;

inline constexpr std::size_t kMaxNoteLength = 1000;

// The publics a profile may name, in their canonical order: "PA" (personnes âgées), "PH"
// (personnes handicapées), "enfance" (enfance handicapée, protection de l'enfance, justice des
// mineurs), "AHI" (accueil, hébergement, insertion), "PJM" (protection juridique des majeurs),
// "addictions", "difficultés-spécifiques" (ACT, LHSS), "domicile" (services à domicile).
std::span<const std::string_view> profile_publics();

// A set of publics as bits, in profile_publics() order.
using PublicSet = std::uint8_t;
PublicSet public_set(const std::vector<std::string>& publics);  // unknown names are ignored
// The publics of a FINESS category, from data/categories.csv's `public` column (PA → PA,
// PH-enfants → PH + enfance, PH-adultes → PH, protection-enfance and justice-mineurs → enfance,
// protection-majeurs → PJM, AHI → AHI, addictions, difficultés-spécifiques; SSIAD, SAAD and
// SPASAD → domicile); empty for health and unclassified categories.
PublicSet category_publics(std::string_view category);

// PUT /api/establishments/{finess}/profile's body: {"dui":{"vendor","software"}?,
// "publics":[…]?, "lookingForGrappe":bool?, "note":string?}. Strict: a mistyped field, a text over
// its limit (vendor and software 0–200 characters, note 0–1000, both empty for "no DUI"), an
// unknown public → bad_request naming the field, never its value. Publics are deduplicated and
// put in canonical order. Unknown fields are ignored; an empty object is a valid, empty update.
std::expected<EstablishmentProfile, Rejection> parse_profile(const nlohmann::json& body);

// What `user` may record on `establishment`'s profile, given the current fold of its stream.
// Only a gestionnaire acting for the establishment's EJ may: not_found for an unknown
// establishment (nullptr), forbidden otherwise. The event carries only the fields that change
// the profile; nullopt when nothing would change (a repeated update appends nothing).
std::expected<std::optional<EstablishmentProfileUpdated>, Rejection> decide_profile(
    const User& user, const Establishment* establishment, const EsmsState& current,
    const EstablishmentProfile& update);

// {"dui":{vendor,software}|null,"publics":[…],"lookingForGrappe":bool,"note":"…"}: the profile
// with every field present (unset fields as null, [], false, "").
nlohmann::json profile_json(const EstablishmentProfile& profile);

}  // namespace grappe::domain
