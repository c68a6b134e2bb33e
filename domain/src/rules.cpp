#include "grappe/domain/rules.h"

#include <algorithm>
#include <array>
#include <map>

#include "grappe/domain/finess.h"

namespace grappe::domain {
namespace {

std::vector<const Member*> accepted(const GrappeState& s) {
  std::vector<const Member*> out;
  for (const Member& m : s.members)
    if (m.status == MemberStatus::kAccepted) out.push_back(&m);
  return out;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n > 1 ? many : one);
}

// `finess` is taken by reference, so that a caller may pass std::move(v) and v.size() in one call
// (the order in which arguments are initialised is unspecified).
RuleResult result(std::string_view rule, std::vector<std::string>&& finess, Outcome bad,
                  std::string pass_detail, std::string bad_detail) {
  if (finess.empty())
    return RuleResult{std::string(rule), Outcome::kPass, std::move(pass_detail), {}};
  return RuleResult{std::string(rule), bad, std::move(bad_detail), std::move(finess)};
}

// "Association X (010000001)", or the FINESS EJ alone when no file named the organisation.
std::string organisation(const Registry& registry, const std::string& ej) {
  const std::string name = registry.ej_name(ej);
  return name.empty() ? ej : name + " (" + ej + ")";
}

// "a, b, c" with at most `most` items, then "et N autres".
std::string listing(const std::vector<std::string>& items, std::size_t most = 10) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > most) out += " et " + std::to_string(items.size() - most) + " autres";
  return out;
}

}  // namespace

bool closed_on_or_before(const Establishment& e, std::string_view today) {
  if (e.closed_on.empty()) return false;
  return today.empty() || std::string_view(e.closed_on).substr(0, 10) <= today.substr(0, 10);
}

std::string french_date(std::string_view d) {
  if (d.size() < 10 || d[4] != '-' || d[7] != '-') return std::string(d);
  return std::string(d.substr(8, 2)) + "/" + std::string(d.substr(5, 2)) + "/" +
         std::string(d.substr(0, 4));
}

RuleResult rule_min_size(const GrappeState& s, const Registry&, const Call& call, const EsmsLookup&,
                         std::string_view) {
  const int n = s.counts.accepted;
  const int t = call.threshold_for(s.region);
  const std::string where = overseas_or_corsica(s.region) ? " (outre-mer ou Corse)" : "";
  if (n >= t)
    return {"min_size",
            Outcome::kPass,
            plural(n, "établissement membre", "établissements membres") + " pour un minimum de " +
                std::to_string(t) + where + ".",
            {}};
  std::string detail = "La grappe compte " +
                       plural(n, "établissement membre", "établissements membres") +
                       " ; il en faut au moins " + std::to_string(t) + where + ".";
  if (call.small_projects_reviewed)
    return {
        "min_size", Outcome::kWarn, detail + " L'ARS peut examiner le projet au cas par cas.", {}};
  return {"min_size", Outcome::kFail, detail, {}};
}

RuleResult rule_min_organisations(const GrappeState& s, const Registry& registry, const Call& call,
                                  const EsmsLookup&, std::string_view) {
  std::map<std::string, int> per_ej;  // accepted members per organisation (FINESS EJ)
  for (const Member* m : accepted(s)) ++per_ej[m->ej];
  const int n = static_cast<int>(per_ej.size());
  const int wanted = call.min_organisations_for(s.region);
  const int t = call.threshold_for(s.region);
  const std::string where = overseas_or_corsica(s.region) ? " (outre-mer ou Corse)" : "";
  const std::string count =
      plural(n, "organisme gestionnaire distinct", "organismes gestionnaires distincts");
  if (n >= wanted)
    return {"min_organisations",
            Outcome::kPass,
            "Les membres relèvent de " + count + " pour un minimum de " + std::to_string(wanted) +
                where + ".",
            {}};
  const auto largest = std::max_element(per_ej.begin(), per_ej.end(),
                                        [](auto& a, auto& b) { return a.second < b.second; });
  if (largest != per_ej.end() && largest->second >= t)
    return {"min_organisations",
            Outcome::kPass,
            "L'organisme gestionnaire " + organisation(registry, largest->first) +
                " réunit à lui seul " +
                plural(largest->second, "établissement membre", "établissements membres") +
                ", au moins le seuil de " + std::to_string(t) + where +
                " : il peut se porter candidat seul, sans atteindre " + std::to_string(wanted) +
                " organismes gestionnaires distincts.",
            {}};
  std::string detail = "Les membres relèvent de " + count + " ; il en faut au moins " +
                       std::to_string(wanted) + where +
                       ", sauf si un organisme gestionnaire réunit à lui seul " +
                       std::to_string(t) + " établissements membres.";
  if (call.small_projects_reviewed)
    return {"min_organisations",
            Outcome::kWarn,
            detail + " L'ARS peut examiner le projet au cas par cas.",
            {}};
  return {"min_organisations", Outcome::kFail, detail, {}};
}

RuleResult rule_max_size(const GrappeState& s, const Registry&, const Call& call, const EsmsLookup&,
                         std::string_view) {
  const int n = s.counts.accepted;
  if (!call.max_members)
    return {"max_size", Outcome::kPass, "L'appel à projets ne fixe pas de taille maximale.", {}};
  const int most = *call.max_members;
  const std::string members = plural(n, "établissement membre", "établissements membres");
  if (n <= most)
    return {"max_size",
            Outcome::kPass,
            members + " pour un maximum de " + std::to_string(most) + ".",
            {}};
  return {"max_size",
          Outcome::kFail,
          "La grappe compte " + members + " ; l'appel à projets en admet au plus " +
              std::to_string(most) + " : " + plural(n - most, "membre est", "membres sont") +
              " en trop.",
          {}};
}

RuleResult rule_same_region(const GrappeState& s, const Registry&, const Call&, const EsmsLookup&,
                            std::string_view) {
  std::vector<std::string> outside;
  for (const Member* m : accepted(s))
    if (region_of_departement(m->departement) != s.region) outside.push_back(m->finess);
  return result("same_region", std::move(outside), Outcome::kWarn,
                "Tous les membres sont dans la région de la grappe.",
                plural(outside.size(), "membre est", "membres sont") +
                    " hors de la région de la grappe : les grappes interrégionales sont admises, "
                    "l'ARS instructrice est celle de la grappe.");
}

RuleResult rule_exclusive_membership(const GrappeState& s, const Registry&, const Call&,
                                     const EsmsLookup& esms, std::string_view) {
  std::vector<std::string> elsewhere;
  if (esms)
    for (const Member* m : accepted(s)) {
      const EsmsState e = esms(m->finess);
      for (const auto& ms : e.memberships)
        if (ms.call == s.call && ms.status == "accepted" && ms.grappe != s.id) {
          elsewhere.push_back(m->finess);
          break;
        }
    }
  return result("exclusive_membership", std::move(elsewhere), Outcome::kFail,
                "Aucun membre n'appartient à une autre grappe du même appel à projets.",
                plural(elsewhere.size(), "membre appartient", "membres appartiennent") +
                    " déjà à une autre grappe du même appel à projets.");
}

RuleResult rule_eligible_category(const GrappeState& s, const Registry&, const Call&,
                                  const EsmsLookup&, std::string_view) {
  std::vector<std::string> out_of_scope, unknown;
  for (const Member* m : accepted(s)) {
    const Category* c = find_category(m->category);
    if (!c)
      unknown.push_back(m->finess);
    else if (!c->in_scope)
      out_of_scope.push_back(m->finess);
  }
  if (!out_of_scope.empty())
    return {"eligible_category", Outcome::kFail,
            plural(out_of_scope.size(), "membre relève", "membres relèvent") +
                " d'une catégorie sanitaire, hors du champ des ESSMS (art. L.312-1 CASF).",
            std::move(out_of_scope)};
  return result("eligible_category", std::move(unknown), Outcome::kWarn,
                "Tous les membres sont des ESSMS éligibles au programme.",
                plural(unknown.size(), "membre a une catégorie", "membres ont une catégorie") +
                    " FINESS non classée : l'ARS vérifiera leur éligibilité.");
}

RuleResult rule_known_establishment(const GrappeState& s, const Registry& registry, const Call&,
                                    const EsmsLookup&, std::string_view) {
  std::vector<std::string> unknown;
  for (const Member* m : accepted(s))
    if (!registry.find(m->finess)) unknown.push_back(m->finess);
  return result("known_establishment", std::move(unknown), Outcome::kFail,
                "Tous les membres figurent au répertoire FINESS.",
                plural(unknown.size(), "membre ne figure", "membres ne figurent") +
                    " plus au répertoire FINESS : un FINESS géographique est obligatoire.");
}

RuleResult rule_open_establishment(const GrappeState& s, const Registry& registry, const Call&,
                                   const EsmsLookup&, std::string_view today) {
  std::vector<std::string> closed, closing, closed_names, closing_names;
  for (const Member* m : accepted(s)) {
    const Establishment* e = registry.find(m->finess);
    if (!e || e->closed_on.empty()) continue;
    const bool past = closed_on_or_before(*e, today);
    (past ? closed : closing).push_back(m->finess);
    (past ? closed_names : closing_names)
        .push_back(e->name + " (" + e->finess + (past ? ", fermé le " : ", fermeture le ") +
                   french_date(e->closed_on) + ")");
  }
  if (!closed.empty())
    return {"open_establishment", Outcome::kFail,
            plural(closed.size(), "membre est fermé", "membres sont fermés") +
                " au répertoire FINESS : " + listing(closed_names) +
                ". Un établissement fermé ne peut pas faire partie de la grappe.",
            std::move(closed)};
  std::string announced = plural(closing.size(), "membre a une fermeture annoncée",
                                 "membres ont une fermeture annoncée") +
                          " au répertoire FINESS : " + listing(closing_names) + ".";
  return result("open_establishment", std::move(closing), Outcome::kWarn,
                "Tous les membres sont ouverts au répertoire FINESS.", std::move(announced));
}

RuleResult rule_pending_invitations(const GrappeState& s, const Registry&, const Call&,
                                    const EsmsLookup&, std::string_view) {
  std::vector<std::string> pending;
  for (const Member& m : s.members)
    if (m.status == MemberStatus::kInvited) pending.push_back(m.finess);
  return result("pending_invitations", std::move(pending), Outcome::kWarn,
                "Aucune invitation en attente.",
                plural(pending.size(), "invitation attend", "invitations attendent") +
                    " encore une réponse.");
}

std::span<const Rule> all_rules() {
  static constexpr std::array<Rule, 9> kRules{{
      {"min_size", rule_min_size},
      {"min_organisations", rule_min_organisations},
      {"max_size", rule_max_size},
      {"same_region", rule_same_region},
      {"exclusive_membership", rule_exclusive_membership},
      {"eligible_category", rule_eligible_category},
      {"known_establishment", rule_known_establishment},
      {"open_establishment", rule_open_establishment},
      {"pending_invitations", rule_pending_invitations},
  }};
  return kRules;
}

ValidationReport validate(const GrappeState& state, const Registry& registry, const Call& call,
                          const EsmsLookup& esms, std::string_view today) {
  ValidationReport report;
  report.members = state.counts.accepted;
  report.threshold = call.threshold_for(state.region);
  report.registry = registry.label();
  report.eligible = true;
  for (const Rule& rule : all_rules()) {
    report.rules.push_back(rule.check(state, registry, call, esms, today));
    if (report.rules.back().outcome == Outcome::kFail) report.eligible = false;
  }
  return report;
}

}  // namespace grappe::domain
