#include "grappe/domain/rules.h"

#include <array>

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

RuleResult result(std::string_view rule, std::vector<std::string> finess, Outcome bad,
                  std::string pass_detail, std::string bad_detail) {
  if (finess.empty())
    return RuleResult{std::string(rule), Outcome::kPass, std::move(pass_detail), {}};
  return RuleResult{std::string(rule), bad, std::move(bad_detail), std::move(finess)};
}

}  // namespace

RuleResult rule_min_size(const GrappeState& s, const Registry&, const Call& call,
                         const EsmsLookup&) {
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

RuleResult rule_same_region(const GrappeState& s, const Registry&, const Call&, const EsmsLookup&) {
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
                                     const EsmsLookup& esms) {
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
                                  const EsmsLookup&) {
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
                                    const EsmsLookup&) {
  std::vector<std::string> unknown;
  for (const Member* m : accepted(s))
    if (!registry.find(m->finess)) unknown.push_back(m->finess);
  return result("known_establishment", std::move(unknown), Outcome::kFail,
                "Tous les membres figurent au répertoire FINESS.",
                plural(unknown.size(), "membre ne figure", "membres ne figurent") +
                    " plus au répertoire FINESS : un FINESS géographique est obligatoire.");
}

RuleResult rule_pending_invitations(const GrappeState& s, const Registry&, const Call&,
                                    const EsmsLookup&) {
  std::vector<std::string> pending;
  for (const Member& m : s.members)
    if (m.status == MemberStatus::kInvited) pending.push_back(m.finess);
  return result("pending_invitations", std::move(pending), Outcome::kWarn,
                "Aucune invitation en attente.",
                plural(pending.size(), "invitation attend", "invitations attendent") +
                    " encore une réponse.");
}

std::span<const Rule> all_rules() {
  static constexpr std::array<Rule, 6> kRules{{
      {"min_size", rule_min_size},
      {"same_region", rule_same_region},
      {"exclusive_membership", rule_exclusive_membership},
      {"eligible_category", rule_eligible_category},
      {"known_establishment", rule_known_establishment},
      {"pending_invitations", rule_pending_invitations},
  }};
  return kRules;
}

ValidationReport validate(const GrappeState& state, const Registry& registry, const Call& call,
                          const EsmsLookup& esms) {
  ValidationReport report;
  report.members = state.counts.accepted;
  report.threshold = call.threshold_for(state.region);
  report.registry = registry.label();
  report.eligible = true;
  for (const Rule& rule : all_rules()) {
    report.rules.push_back(rule.check(state, registry, call, esms));
    if (report.rules.back().outcome == Outcome::kFail) report.eligible = false;
  }
  return report;
}

}  // namespace grappe::domain
