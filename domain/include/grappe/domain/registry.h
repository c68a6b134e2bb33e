// grappe/domain/registry.h — the reference establishments (FINESS ET) a grappe is built from.
// A Registry is immutable once loaded; its const members may be called from any thread. Reading
// the registry files (FINESS+, the FINESS extract, the simple CSV) is grappe::reference's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grappe/domain/geo.h"

namespace grappe::domain {

struct Establishment {
  std::string finess;          // FINESS ET
  std::string ej;              // FINESS EJ of its organisme gestionnaire
  std::string ej_name;         // the organisation's name, when an EJ file or column gave it
  std::string name;            // raison sociale (long form when the extract has one)
  std::string category;        // FINESS categetab: "500"
  std::string category_label;  // from the source, else data/categories.csv, else the nomenclature
  std::string departement;     // INSEE code: "33", "2A", "974"
  std::string region;          // INSEE region code: "75"
  std::string commune;         // town name ("VIRIAT"), or as the CSV gave it
  bool in_scope = false;       // category classified in the programme's scope
  // WGS84, from the extract's `geolocalisation` line (converted from its projection at load),
  // FINESS+'s `coordonneesGeographique` or the CSV's latitude/longitude columns; nullopt when the
  // source gave none.
  std::optional<GeoPoint> location;
  // Added with the FINESS+ reader (PROTOCOL.md v2 "Registry"); empty when the source has none
  // (the etalab extract and the simple CSV give none of them).
  std::string siret;      // the ET's SIRET, 14 digits
  std::string ej_siren;   // its EJ's SIREN, 9 digits
  std::string closed_on;  // "YYYY-MM-DD" (FINESS+ `dateFermeture`) when closed; empty when open
};

// One source's establishments as a registry reader (grappe::reference) parsed and checked them.
struct RegistrySource {
  std::string label;  // how label() names it: "FINESS 2026-05-12", "demo-registry.csv"
  std::vector<Establishment> establishments;
  std::unordered_map<std::string, std::string> ej_names;  // FINESS EJ → organisation name
};

// Checks `e` as a reader filled it: FINESS ET and EJ numbers, name, category, département (INSEE
// or FINESS code). Returns why it cannot be used; else returns empty, having set its département
// to the INSEE code and its region, scope and (when empty) category label from the reference
// tables (data/categories.csv, else the FINESS nomenclature; still empty when neither has it). A
// FINESS prefix or key that does not match is no reason: `warning` says it, `e` is kept.
std::string check_establishment(Establishment& e, std::string& warning);

class Registry {
 public:
  Registry() = default;

  // Builds the registry of one source, keeping the establishments in order. An establishment
  // whose FINESS came earlier in the source is left out; `duplicates` (when not null) receives
  // its FINESS, once per establishment left out.
  static Registry from_source(RegistrySource source, std::vector<std::string>* duplicates);

  // Adds `other`'s establishments (a FINESS already present is kept, the new one reported in
  // `warnings` when given) and organisation names; names from an EJ file fill every
  // establishment of that EJ, whichever file came first.
  void merge(Registry&& other, std::vector<std::string>* warnings = nullptr);

  // nullptr when unknown. The pointer lives as long as the Registry is neither merged nor moved.
  const Establishment* find(std::string_view finess) const;
  // Establishments whose name or commune has words beginning with every word of `q` (accent-
  // and case-insensitive), or whose FINESS begins with `q` when `q` looks like a FINESS prefix;
  // an empty `q` matches all. `departement` (INSEE or FINESS code) and `category` filter when
  // not empty. At most `limit` results, in registry order, from the establishment at index
  // `from` of establishments() on (a page after the previous one: index_of(its last) + 1).
  std::vector<const Establishment*> search(std::string_view q, std::string_view departement,
                                           std::string_view category, std::size_t limit,
                                           std::size_t from = 0) const;
  // The index of `finess` in establishments(), nullopt when unknown.
  std::optional<std::size_t> index_of(std::string_view finess) const;
  // The establishments of organisation `ej`, in registry order.
  std::vector<const Establishment*> by_ej(std::string_view ej) const;
  // The organisation's name, empty when no file gave it.
  std::string ej_name(std::string_view ej) const;

  std::size_t size() const { return establishments_.size(); }
  const std::vector<Establishment>& establishments() const { return establishments_; }
  // Short description of the sources, e.g. "FINESS 2026-05-12 + demo-registry.csv (60 ET)";
  // recorded as ValidationCompleted.registry. set_label() replaces it (the server names a
  // registry "<source> <generatedAt> <sha256 first 12>", PROTOCOL.md v2).
  std::string label() const;
  void set_label(std::string label) { label_ = std::move(label); }

  // Adds one establishment (tests, generated registries); false when the FINESS is present.
  bool add(Establishment establishment);

 private:
  bool insert(Establishment establishment);  // without sorting the search index
  void sort_index();                         // sorts the entries added since the last call
  void fill_ej_names();
  void reserve(std::size_t establishments);

  std::vector<Establishment> establishments_;
  std::unordered_map<std::string, std::size_t> by_finess_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_ej_;
  std::unordered_map<std::string, std::string> ej_names_;
  // Search index: every word of every haystack, sorted by word (then establishment).
  struct WordRef {
    std::uint32_t establishment;
    std::uint16_t offset, length;  // within haystacks_[establishment]
  };
  std::string_view word(const WordRef& ref) const;
  std::vector<WordRef> words_;
  std::vector<std::string> haystacks_;  // " word word … " per establishment
  std::vector<std::string> sources_;
  std::string label_;  // set_label(); empty: label() describes sources_
};

}  // namespace grappe::domain
