// grappe/domain/suggestions.h — possible partners for a grappe (issue 8), a pure function of the
// grappe, the registry, the establishments' profiles and the other grappes of its call.
//
// Candidates: every establishment of the registry whose category is in the programme's scope
// and that is not closed (no closing date on or before `SuggestOptions::today`; any closing date
// when it is empty), except those of this grappe that are invited, accepted, or that declined,
// withdrew or were removed (a revoked invitation may be proposed again).
//
// The grappe's reference points (computed once per call):
//   - its départements and publics: those of its invited and accepted members; while it has
//     none, those of the porteur's own establishments (the registry's ET of the porteur's EJ);
//   - its region: the grappe's `region`;
//   - its software: the grappe's chosen DUI and the DUI recorded in its members' profiles;
//   - its centre: the mean position of the members (else the porteur's establishments) that the
//     registry locates.
//
// Score: the sum of these parts, each listed in `parts` with its reason (French, shown as is):
//   +30 "même département"                  département among the grappe's départements
//   +10 "même région"                        otherwise, in the grappe's region
//   +25 "même logiciel DUI"                  profile's DUI software equals the grappe's chosen
//                                            one or a member's (case and accents ignored)
//   +10 "même éditeur DUI"                   otherwise, same DUI vendor
//   +20 "même catégorie d'établissement"     category of an invited or accepted member
//   +15 "même public"                        otherwise, a public in common (the profile's
//                                            publics, else those of the category)
//   +20 "cherche une grappe"                 the profile says it is looking for a grappe
//   +10 "même organisme gestionnaire que le porteur"
//   +20 / +15 / +10 / +5 "à N km de la grappe"  distance to the grappe's centre ≤ 10, 30, 60,
//                                            100 km (no part beyond, nor without positions)
//   −10 "déjà invité dans une autre grappe de l'appel"
// Distances are the equirectangular approximation of the great-circle distance (within 0.5 %
// at these ranges), computed once per located candidate.
//
// Order: establishments looking for a grappe first (PROTOCOL.md), then by score (highest
// first), then by distance (nearest first, unknown last), then by FINESS: deterministic. With
// `include_unavailable`, establishments accepted in another grappe of the call
// ("member_elsewhere") are listed after all others; without it they never appear.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "grappe/domain/profile.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/state.h"

namespace grappe::domain {

enum class Availability { kFree, kInvitedElsewhere, kMemberElsewhere };
std::string_view to_string(Availability a);  // "free", "invited_elsewhere", "member_elsewhere"

// What the ranking may look at besides the grappe and the registry.
struct PartnerFacts {
  // Profiles of the establishments that have one (finess → folded profile).
  std::unordered_map<std::string, EstablishmentProfile> profiles;
  // Establishments invited or accepted in another grappe of the same call.
  std::unordered_map<std::string, Availability> elsewhere;

  // Records the memberships of `other` when it is another grappe of `grappe`'s call.
  void add_other_grappe(const GrappeState& grappe, const GrappeState& other);
};

struct ScorePart {
  int points = 0;
  std::string reason;
  bool operator==(const ScorePart&) const = default;
};

struct Suggestion {
  const Establishment* establishment = nullptr;
  int score = 0;                      // the sum of parts' points
  std::vector<ScorePart> parts;       // in the order of the table above
  std::optional<double> distance_km;  // to the grappe's centre, when both are located
  bool looking_for_grappe = false;
  Availability availability = Availability::kFree;
};

struct SuggestOptions {
  std::size_t limit = 20;
  bool include_unavailable = false;
  // "YYYY-MM-DD": establishments closed on or before it are left out; empty: every establishment
  // with a closing date is (rule open_establishment).
  std::string today;
};

// The best `options.limit` candidates for `grappe`, in the order described above.
std::vector<Suggestion> suggest_partners(const GrappeState& grappe, const Registry& registry,
                                         const PartnerFacts& facts,
                                         const SuggestOptions& options = {});

// {"finess","name","ej","category","departement","commune","score","reasons":[…],
//  "availability", "lookingForGrappe", "distanceKm"?, "parts":[{"points","reason"}]}
nlohmann::json to_json(const Suggestion& suggestion);

}  // namespace grappe::domain
