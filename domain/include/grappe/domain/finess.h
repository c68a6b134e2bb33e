// grappe/domain/finess.h — FINESS numbers and the reference tables compiled into the library:
// départements → INSEE regions (data/regions.csv), FINESS categories with their programme
// scope (data/categories.csv) and the FINESS category nomenclature. Everything here is immutable
// and safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain {

// True when `finess` has the shape of a FINESS number: 9 characters, `[0-9][0-9AB][0-9]{7}`
// (the second character may be A/B only for Corsica, "2A"/"2B"). No key check.
bool valid_finess_format(std::string_view finess);

// True when the 9th character is the Luhn (mod 10) key of the 9 digits (DOMAIN.md §3). Corsican
// numbers count `2A` as `21` and `2B` as `22`, then are checked like the others (PROTOCOL.md v2;
// holds for the 490 Corsican numbers of the 2021 national extract and the 14 of the FINESS+
// sample): "2A0000048" is valid, "2A0000041" is not.
bool finess_key_ok(std::string_view finess);

// The check for numbers a user types: format, Luhn key, and a prefix naming a known
// département (DOMAIN.md §3). Used for `og` entries and `porteur`.
bool valid_finess_strict(std::string_view finess);

struct Departement {
  std::string code;         // INSEE: "33", "2A", "974"
  std::string name;         // "Gironde"
  std::string region;       // INSEE region code: "75"
  std::string region_name;  // "Nouvelle-Aquitaine"
  bool overseas_or_corsica = false;
  std::string finess_code;    // value in FINESS extracts: "33", "9D"
  std::string finess_prefix;  // how its FINESS numbers begin: "33", "9704"
};

// Every département of data/regions.csv, in its order (metropolitan by code, then overseas).
const std::vector<Departement>& departements();
// A département by its INSEE code ("974") or its FINESS code ("9D"); nullptr when unknown.
const Departement* find_departement(std::string_view code);
// The département a FINESS number's prefix names; nullptr when none does.
const Departement* departement_of_finess(std::string_view finess);
// INSEE region of a département code (INSEE or FINESS form); empty when unknown.
std::string region_of_departement(std::string_view departement);

// True for a known INSEE region code ("75", "04").
bool valid_region(std::string_view region);
// "Nouvelle-Aquitaine"; empty for an unknown code.
std::string region_name(std::string_view region);
// True for Corse (94) and the overseas regions (01, 02, 03, 04, 06): threshold 8 instead of 15.
bool overseas_or_corsica(std::string_view region);

struct Category {
  std::string code;         // "500"
  std::string label;        // "Etablissement d'hébergement pour personnes âgées dépendantes"
  std::string short_label;  // "EHPAD"
  std::string public_;      // "PA", "PH-enfants", "sanitaire", …
  bool in_scope = false;    // an ESSMS of art. L.312-1 CASF
};

// A category of data/categories.csv; nullptr when not classified there ("unknown").
const Category* find_category(std::string_view code);
// The official label of a FINESS category code in the FINESS nomenclature
// (data/nomenclature_categorie_finess.csv: 274 open and closed categories, DREES 2021); empty
// when the nomenclature lacks the code (e.g. the 60x–65x series created since).
std::string_view nomenclature_label(std::string_view code);

}  // namespace grappe::domain
