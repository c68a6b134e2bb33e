#include "grappe/domain/suggestions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "grappe/domain/internal/text.h"
#include "grappe/domain/rules.h"

namespace grappe::domain {
namespace {

// The parts of the score, in the order of suggestions.h's table.
enum Part : std::uint16_t {
  kDepartement = 1 << 0,
  kRegion = 1 << 1,
  kSoftware = 1 << 2,
  kVendor = 1 << 3,
  kCategory = 1 << 4,
  kPublic = 1 << 5,
  kLooking = 1 << 6,
  kPorteurOrganisation = 1 << 7,
  kNear = 1 << 8,
  kInvitedElsewhere = 1 << 9,
};

struct PartInfo {
  Part part;
  int points;
  std::string_view reason;
};

// kNear's points and reason depend on the distance (kNearTiers, near_reason()).
constexpr std::array<PartInfo, 10> kParts = {{
    {kDepartement, 30, "même département"},
    {kRegion, 10, "même région"},
    {kSoftware, 25, "même logiciel DUI"},
    {kVendor, 10, "même éditeur DUI"},
    {kCategory, 20, "même catégorie d'établissement"},
    {kPublic, 15, "même public"},
    {kLooking, 20, "cherche une grappe"},
    {kPorteurOrganisation, 10, "même organisme gestionnaire que le porteur"},
    {kNear, 0, ""},
    {kInvitedElsewhere, -10, "déjà invité dans une autre grappe de l'appel"},
}};

// Distance tiers: up to `km`, `points`.
constexpr std::array<std::pair<double, int>, 4> kNearTiers = {
    {{10, 20}, {30, 15}, {60, 10}, {100, 5}}};

int near_points(double km) {
  for (const auto& [limit, points] : kNearTiers)
    if (km <= limit) return points;
  return 0;
}

std::string near_reason(double km) {
  if (km < 1) return "à moins d'1 km de la grappe";
  return "à " + std::to_string(static_cast<long>(std::lround(km))) + " km de la grappe";
}

// category_publics() per 3-digit category code, looked up once per call.
class CategoryPublics {
 public:
  PublicSet operator()(const std::string& category) {
    if (category.size() != 3 || !internal::is_digits(category)) return category_publics(category);
    const int code = std::stoi(category);
    if (!known_[code]) {
      known_[code] = true;
      sets_[code] = category_publics(category);
    }
    return sets_[code];
  }

 private:
  std::array<PublicSet, 1000> sets_{};
  std::array<bool, 1000> known_{};
};

// Equirectangular approximation: within 0.5 % of the great-circle distance up to a few hundred
// kilometres, and a tenth of its cost; ranking 40,000 candidates needs no more.
struct DistanceFrom {
  GeoPoint centre;
  double cos_lat;
  double operator()(const GeoPoint& p) const {
    constexpr double kRad = 3.14159265358979323846 / 180.0, kEarthRadiusKm = 6371.0;
    const double x = (p.lon - centre.lon) * kRad * cos_lat, y = (p.lat - centre.lat) * kRad;
    return kEarthRadiusKm * std::sqrt(x * x + y * y);
  }
};

// What the candidates are compared with, computed once.
struct Reference {
  std::vector<std::string> departements, categories, softwares, vendors;
  std::string region, porteur;
  PublicSet publics = 0;
  std::optional<DistanceFrom> centre;
  CategoryPublics category_publics;
};

bool active(MemberStatus s) {
  return s == MemberStatus::kInvited || s == MemberStatus::kAccepted;
}

template <typename T>
void add_unique(std::vector<T>& v, const T& value) {
  if (std::find(v.begin(), v.end(), value) == v.end()) v.push_back(value);
}

bool contains(const std::vector<std::string>& v, const std::string& value) {
  return std::find(v.begin(), v.end(), value) != v.end();
}

PublicSet publics_of(const Establishment& e, const EstablishmentProfile* profile,
                     CategoryPublics& by_category) {
  if (profile && profile->publics && !profile->publics->empty())
    return public_set(*profile->publics);
  return by_category(e.category);
}

const EstablishmentProfile* profile_of(const PartnerFacts& facts, const std::string& finess) {
  if (facts.profiles.empty()) return nullptr;
  const auto it = facts.profiles.find(finess);
  return it == facts.profiles.end() ? nullptr : &it->second;
}

void add_dui(Reference& ref, const Dui& dui) {
  if (const auto s = internal::normalise(dui.software); !internal::trim(s).empty())
    add_unique(ref.softwares, internal::trim(s));
  if (const auto v = internal::normalise(dui.vendor); !internal::trim(v).empty())
    add_unique(ref.vendors, internal::trim(v));
}

Reference reference(const GrappeState& g, const Registry& registry, const PartnerFacts& facts) {
  Reference ref;
  ref.region = g.region;
  ref.porteur = g.porteur;
  if (g.dui) add_dui(ref, *g.dui);
  std::vector<const Establishment*> basis;
  for (const Member& m : g.members) {
    if (!active(m.status)) continue;
    add_unique(ref.departements, m.departement);
    add_unique(ref.categories, m.category);
    const Establishment* e = registry.find(m.finess);
    const EstablishmentProfile* p = profile_of(facts, m.finess);
    if (p && p->dui) add_dui(ref, *p->dui);
    if (e) {
      basis.push_back(e);
      ref.publics |= publics_of(*e, p, ref.category_publics);
    } else {
      ref.publics |= ref.category_publics(m.category);
    }
  }
  if (ref.departements.empty()) {
    basis = registry.by_ej(g.porteur);
    for (const Establishment* e : basis) {
      add_unique(ref.departements, e->departement);
      ref.publics |= publics_of(*e, profile_of(facts, e->finess), ref.category_publics);
    }
  }
  double lat = 0, lon = 0;
  int located = 0;
  for (const Establishment* e : basis) {
    if (!e->location) continue;
    lat += e->location->lat;
    lon += e->location->lon;
    ++located;
  }
  if (located) {
    const GeoPoint centre{lat / located, lon / located};
    ref.centre = DistanceFrom{centre, std::cos(centre.lat * 3.14159265358979323846 / 180.0)};
  }
  return ref;
}

// One candidate, before its reasons are spelled out.
struct Scored {
  const Establishment* e;
  std::uint16_t parts;
  int score;
  double distance;  // +inf when unknown
  bool looking;
  Availability availability;
};

bool before(const Scored& a, const Scored& b) {
  const bool a_out = a.availability == Availability::kMemberElsewhere;
  const bool b_out = b.availability == Availability::kMemberElsewhere;
  if (a_out != b_out) return b_out;
  if (a.looking != b.looking) return a.looking;
  if (a.score != b.score) return a.score > b.score;
  if (a.distance != b.distance) return a.distance < b.distance;
  return a.e->finess < b.e->finess;
}

// The facts by registry index, so that scoring 40,000 candidates hashes no FINESS.
struct ByIndex {
  static constexpr std::uint8_t kExcluded = 3;  // a member of this grappe (but revoked)
  std::vector<const EstablishmentProfile*> profile;
  std::vector<std::uint8_t> status;  // an Availability, or kExcluded

  ByIndex(const GrappeState& g, const Registry& registry, const PartnerFacts& facts)
      : profile(registry.size(), nullptr), status(registry.size(), 0) {
    const Establishment* base = registry.establishments().data();
    for (const auto& [finess, p] : facts.profiles)
      if (const Establishment* e = registry.find(finess)) profile[e - base] = &p;
    for (const auto& [finess, a] : facts.elsewhere)
      if (const Establishment* e = registry.find(finess))
        status[e - base] = static_cast<std::uint8_t>(a);
    for (const Member& m : g.members)
      if (m.status != MemberStatus::kRevoked)
        if (const Establishment* e = registry.find(m.finess)) status[e - base] = kExcluded;
  }
};

std::optional<Scored> score(const Establishment& e, std::size_t index, Reference& ref,
                            const ByIndex& facts, const SuggestOptions& options) {
  if (!e.in_scope || facts.status[index] == ByIndex::kExcluded) return std::nullopt;
  if (closed_on_or_before(e, options.today)) return std::nullopt;
  const auto availability = static_cast<Availability>(facts.status[index]);
  if (availability == Availability::kMemberElsewhere && !options.include_unavailable)
    return std::nullopt;
  const EstablishmentProfile* p = facts.profile[index];
  std::uint16_t parts = 0;
  if (contains(ref.departements, e.departement))
    parts |= kDepartement;
  else if (e.region == ref.region)
    parts |= kRegion;
  if (p && p->dui) {
    const auto software = internal::trim(internal::normalise(p->dui->software));
    const auto vendor = internal::trim(internal::normalise(p->dui->vendor));
    if (!software.empty() && contains(ref.softwares, software))
      parts |= kSoftware;
    else if (!vendor.empty() && contains(ref.vendors, vendor))
      parts |= kVendor;
  }
  if (contains(ref.categories, e.category))
    parts |= kCategory;
  else if (publics_of(e, p, ref.category_publics) & ref.publics)
    parts |= kPublic;
  const bool looking = p && p->looking_for_grappe.value_or(false);
  if (looking) parts |= kLooking;
  if (e.ej == ref.porteur) parts |= kPorteurOrganisation;
  if (availability == Availability::kInvitedElsewhere) parts |= kInvitedElsewhere;
  int points = 0;
  for (const PartInfo& info : kParts)
    if (parts & info.part) points += info.points;
  double distance = std::numeric_limits<double>::infinity();
  if (ref.centre && e.location) {
    distance = (*ref.centre)(*e.location);
    if (const int near = near_points(distance)) {
      parts |= kNear;
      points += near;
    }
  }
  return Scored{&e, parts, points, distance, looking, availability};
}

Suggestion spell_out(const Scored& s) {
  Suggestion out;
  out.establishment = s.e;
  out.score = s.score;
  out.looking_for_grappe = s.looking;
  out.availability = s.availability;
  if (std::isfinite(s.distance)) out.distance_km = s.distance;
  for (const PartInfo& info : kParts) {
    if (!(s.parts & info.part)) continue;
    if (info.part == kNear)
      out.parts.push_back({near_points(s.distance), near_reason(s.distance)});
    else
      out.parts.push_back({info.points, std::string(info.reason)});
  }
  return out;
}

}  // namespace

std::string_view to_string(Availability a) {
  switch (a) {
    case Availability::kFree:
      return "free";
    case Availability::kInvitedElsewhere:
      return "invited_elsewhere";
    case Availability::kMemberElsewhere:
      return "member_elsewhere";
  }
  return "free";
}

void PartnerFacts::add_other_grappe(const GrappeState& grappe, const GrappeState& other) {
  if (other.id == grappe.id || other.call != grappe.call) return;
  for (const Member& m : other.members) {
    if (m.status == MemberStatus::kAccepted) {
      elsewhere[m.finess] = Availability::kMemberElsewhere;
    } else if (m.status == MemberStatus::kInvited) {
      elsewhere.emplace(m.finess, Availability::kInvitedElsewhere);  // never downgrades
    }
  }
}

std::vector<Suggestion> suggest_partners(const GrappeState& grappe, const Registry& registry,
                                         const PartnerFacts& facts, const SuggestOptions& options) {
  Reference ref = reference(grappe, registry, facts);
  const ByIndex by_index(grappe, registry, facts);
  const auto& all = registry.establishments();
  // The best `limit` so far, as a heap whose front is the one that would be dropped first.
  std::vector<Scored> best;
  best.reserve(options.limit + 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto s = score(all[i], i, ref, by_index, options);
    if (!s || options.limit == 0) continue;
    if (best.size() == options.limit) {
      if (!before(*s, best.front())) continue;
      std::pop_heap(best.begin(), best.end(), before);
      best.pop_back();
    }
    best.push_back(*s);
    std::push_heap(best.begin(), best.end(), before);
  }
  std::sort_heap(best.begin(), best.end(), before);
  std::vector<Suggestion> out;
  out.reserve(best.size());
  for (const Scored& s : best) out.push_back(spell_out(s));
  return out;
}

nlohmann::json to_json(const Suggestion& s) {
  const Establishment& e = *s.establishment;
  auto reasons = nlohmann::json::array();
  auto parts = nlohmann::json::array();
  for (const ScorePart& p : s.parts) {
    reasons.push_back(p.reason);
    parts.push_back({{"points", p.points}, {"reason", p.reason}});
  }
  nlohmann::json j = {{"finess", e.finess},
                      {"name", e.name},
                      {"ej", e.ej},
                      {"ejName", e.ej_name},
                      {"category", e.category},
                      {"categoryLabel", e.category_label},
                      {"departement", e.departement},
                      {"region", e.region},
                      {"commune", e.commune},
                      {"score", s.score},
                      {"reasons", std::move(reasons)},
                      {"parts", std::move(parts)},
                      {"availability", to_string(s.availability)},
                      {"lookingForGrappe", s.looking_for_grappe}};
  if (s.distance_km) j["distanceKm"] = std::round(*s.distance_km * 10) / 10;
  return j;
}

}  // namespace grappe::domain
