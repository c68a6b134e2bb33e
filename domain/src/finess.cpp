#include "grappe/domain/finess.h"

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "grappe/domain/internal/text.h"
#include "reference_data.h"

namespace grappe::domain {
namespace {

struct Tables {
  std::vector<Departement> departements;
  std::vector<Category> categories;
  std::map<std::string, std::string, std::less<>> nomenclature;  // code → label
};

// Columns of data/regions.csv and data/categories.csv (see data/README.md).
Tables parse_tables() {
  Tables t;
  std::vector<std::string> f;
  const auto regions = internal::split_lines(internal::regions_csv());
  for (std::size_t i = 1; i < regions.size(); ++i) {
    if (!internal::split_csv(regions[i], ',', f) || f.size() < 7) continue;
    t.departements.push_back(Departement{f[0], f[1], f[2], f[3], f[4] == "true", f[5], f[6]});
  }
  const auto categories = internal::split_lines(internal::categories_csv());
  for (std::size_t i = 1; i < categories.size(); ++i) {
    if (!internal::split_csv(categories[i], ',', f) || f.size() < 8) continue;
    t.categories.push_back(Category{f[0], f[1], f[2], f[5], f[6] == "true"});
  }
  // code;libelle;statut;date_fermeture after `#` notes and the header.
  for (std::string_view line : internal::split_lines(internal::nomenclature_csv())) {
    if (line.empty() || line.starts_with('#') || line.starts_with("code;")) continue;
    if (internal::split_csv(line, ';', f) && f.size() >= 2) t.nomenclature.emplace(f[0], f[1]);
  }
  return t;
}

const Tables& tables() {
  static const Tables t = parse_tables();  // immutable once built; thread-safe initialisation
  return t;
}

bool digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool valid_finess_format(std::string_view finess) {
  if (finess.size() != 9 || !digit(finess[0])) return false;
  const char second = finess[1];
  if (second == 'A' || second == 'B') {
    if (finess[0] != '2') return false;
  } else if (!digit(second)) {
    return false;
  }
  return std::all_of(finess.begin() + 2, finess.end(), digit);
}

bool finess_key_ok(std::string_view finess) {
  if (!valid_finess_format(finess)) return false;
  std::string digits(finess);
  if (digits[1] == 'A') digits[1] = '1';  // 2A → 21
  if (digits[1] == 'B') digits[1] = '2';  // 2B → 22
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    int d = digits[8 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

bool valid_finess_strict(std::string_view finess) {
  return finess_key_ok(finess) && departement_of_finess(finess) != nullptr;
}

const std::vector<Departement>& departements() {
  return tables().departements;
}

const Departement* find_departement(std::string_view code) {
  for (const Departement& d : tables().departements)
    if (d.code == code || d.finess_code == code) return &d;
  return nullptr;
}

const Departement* departement_of_finess(std::string_view finess) {
  if (finess.size() != 9) return nullptr;
  for (const Departement& d : tables().departements)
    if (finess.starts_with(d.finess_prefix)) return &d;  // no metropolitan prefix is 97/98
  return nullptr;
}

std::string region_of_departement(std::string_view departement) {
  const Departement* d = find_departement(departement);
  return d ? d->region : std::string();
}

bool valid_region(std::string_view region) {
  return !region_name(region).empty();
}

std::string region_name(std::string_view region) {
  for (const Departement& d : tables().departements)
    if (d.region == region) return d.region_name;
  return {};
}

bool overseas_or_corsica(std::string_view region) {
  for (const Departement& d : tables().departements)
    if (d.region == region) return d.overseas_or_corsica;
  return false;
}

const Category* find_category(std::string_view code) {
  for (const Category& c : tables().categories)
    if (c.code == code) return &c;
  return nullptr;
}

std::string_view nomenclature_label(std::string_view code) {
  const auto& n = tables().nomenclature;
  const auto it = n.find(code);
  return it == n.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace grappe::domain
