#include "grappe/domain/registry.h"

#include <algorithm>

#include "grappe/domain/finess.h"
#include "grappe/domain/internal/text.h"

namespace grappe::domain {

std::string check_establishment(Establishment& e, std::string& warning) {
  if (!valid_finess_format(e.finess)) return "numéro FINESS ET invalide";
  if (!valid_finess_format(e.ej)) return "numéro FINESS EJ invalide";
  if (e.name.empty()) return "raison sociale vide";
  if (e.category.size() != 3 || !internal::is_digits(e.category)) return "catégorie invalide";
  const Departement* d = find_departement(e.departement);
  if (!d) return "département hors du programme";
  e.departement = d->code;
  e.region = d->region;
  if (!e.finess.starts_with(d->finess_prefix))
    warning = "préfixe du FINESS ET différent du département (ligne gardée)";
  else if (!finess_key_ok(e.finess))
    warning = "clé de contrôle du FINESS ET incorrecte (ligne gardée)";
  else if (!finess_key_ok(e.ej))
    warning = "clé de contrôle du FINESS EJ incorrecte (ligne gardée)";
  const Category* c = find_category(e.category);
  e.in_scope = c && c->in_scope;
  if (e.category_label.empty())
    e.category_label = c ? std::string_view(c->label) : nomenclature_label(e.category);
  return {};
}

Registry Registry::from_source(RegistrySource source, std::vector<std::string>* duplicates) {
  Registry r;
  r.sources_.push_back(std::move(source.label));
  r.ej_names_ = std::move(source.ej_names);
  r.reserve(source.establishments.size());
  for (auto& e : source.establishments) {
    std::string finess = duplicates ? e.finess : std::string();
    if (!r.insert(std::move(e)) && duplicates) duplicates->push_back(std::move(finess));
  }
  r.sort_index();
  r.fill_ej_names();
  return r;
}

void Registry::merge(Registry&& other, std::vector<std::string>* warnings) {
  reserve(size() + other.size());
  for (auto& source : other.sources_) sources_.push_back(std::move(source));
  for (auto& [ej, name] : other.ej_names_) ej_names_.emplace(ej, std::move(name));
  for (auto& e : other.establishments_) {
    const std::string finess = e.finess;
    if (!insert(std::move(e)) && warnings)
      warnings->push_back("FINESS " + finess + " présent dans deux fichiers, premier gardé");
  }
  sort_index();
  fill_ej_names();
}

bool Registry::add(Establishment establishment) {
  const bool added = insert(std::move(establishment));
  sort_index();
  return added;
}

std::string_view Registry::word(const WordRef& ref) const {
  return std::string_view(haystacks_[ref.establishment]).substr(ref.offset, ref.length);
}

void Registry::sort_index() {
  // Ranks the distinct words once, then sorts the entries by (rank, establishment) with integer
  // comparisons: far cheaper than comparing strings when words repeat ("ehpad", "les").
  std::unordered_map<std::string_view, std::uint32_t> rank;
  rank.reserve(words_.size() / 2);
  std::vector<std::string_view> distinct;
  for (const WordRef& ref : words_)
    if (rank.emplace(word(ref), 0).second) distinct.push_back(word(ref));
  std::sort(distinct.begin(), distinct.end());
  for (std::uint32_t i = 0; i < distinct.size(); ++i) rank[distinct[i]] = i;
  std::vector<std::pair<std::uint64_t, WordRef>> keyed;
  keyed.reserve(words_.size());
  for (const WordRef& ref : words_)
    keyed.emplace_back((std::uint64_t{rank[word(ref)]} << 32) | ref.establishment, ref);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size(); ++i) words_[i] = keyed[i].second;
}

bool Registry::insert(Establishment establishment) {
  if (by_finess_.contains(establishment.finess)) return false;
  const std::size_t idx = establishments_.size();
  by_finess_.emplace(establishment.finess, idx);
  by_ej_[establishment.ej].push_back(idx);
  if (!establishment.ej_name.empty()) ej_names_.emplace(establishment.ej, establishment.ej_name);
  establishments_.push_back(std::move(establishment));
  const Establishment& e = establishments_.back();
  std::string hay = " " + internal::normalise(e.finess + " " + e.name + " " + e.commune) + " ";
  for (std::size_t i = 1; i < hay.size(); ++i) {
    if (hay[i] == ' ' || hay[i - 1] != ' ') continue;
    const std::size_t end = hay.find(' ', i);
    if (i > 0xFFFF || end - i > 0xFFFF) break;
    words_.push_back({static_cast<std::uint32_t>(idx), static_cast<std::uint16_t>(i),
                      static_cast<std::uint16_t>(end - i)});
  }
  haystacks_.push_back(std::move(hay));
  return true;
}

void Registry::reserve(std::size_t n) {
  establishments_.reserve(n);
  haystacks_.reserve(n);
  by_finess_.reserve(n);
  words_.reserve(n * 8);
}

void Registry::fill_ej_names() {
  for (Establishment& e : establishments_) {
    if (!e.ej_name.empty()) continue;
    if (auto it = ej_names_.find(e.ej); it != ej_names_.end()) e.ej_name = it->second;
  }
}

const Establishment* Registry::find(std::string_view finess) const {
  const auto it = by_finess_.find(std::string(finess));
  return it == by_finess_.end() ? nullptr : &establishments_[it->second];
}

std::vector<const Establishment*> Registry::by_ej(std::string_view ej) const {
  std::vector<const Establishment*> out;
  if (auto it = by_ej_.find(std::string(ej)); it != by_ej_.end())
    for (std::size_t i : it->second) out.push_back(&establishments_[i]);
  return out;
}

std::string Registry::ej_name(std::string_view ej) const {
  const auto it = ej_names_.find(std::string(ej));
  return it == ej_names_.end() ? std::string() : it->second;
}

std::string Registry::label() const {
  if (!label_.empty()) return label_;
  std::string out;
  for (const auto& s : sources_) out += (out.empty() ? "" : " + ") + s;
  if (out.empty()) out = "registre";
  return out + " (" + std::to_string(size()) + " établissements)";
}

}  // namespace grappe::domain
