#include "finess_plus_records.h"

#include <cmath>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "grappe/domain/finess.h"
#include "grappe/domain/internal/text.h"
#include "registry_parse.h"

namespace grappe::reference::internal {
namespace {

using nlohmann::json;
using Names = std::initializer_list<std::string_view>;

// The first of `names` (normalised) present and not null in `object`; nullptr when none is.
const json* field(const json& object, Names names) {
  if (!object.is_object()) return nullptr;
  for (std::string_view name : names) {
    const auto it = object.find(name);
    if (it != object.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

// A field's text: a string trimmed, a number written out, a coding object's `code`; else "".
std::string text(const json* value) {
  if (!value) return {};
  if (value->is_string()) return domain::internal::trim(value->get_ref<const std::string&>());
  if (value->is_number_integer()) return std::to_string(value->get<std::int64_t>());
  if (value->is_number()) return value->dump();
  if (value->is_object()) return text(field(*value, {"code"}));
  return {};
}

// The record's `informationsGenerales…` object (whatever follows the prefix), else the record.
const json& info_of(const json& record) {
  for (const auto& [key, value] : record.items())
    if (key.starts_with("informationsgenerales") && value.is_object()) return value;
  return record;
}

// The text of the first of `names` found in the record's general information, else the record.
std::string lookup(const json& record, Names names) {
  const json& info = info_of(record);
  std::string t = text(field(info, names));
  if (t.empty() && &info != &record) t = text(field(record, names));
  return t;
}

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n && domain::internal::is_digits(s);
}

// "2019-03-03" or "2019-03-03 00:00:00" → "2019-03-03"; "" when it does not begin with a date.
std::string date_of(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return {};
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return {};
  if (s.size() > 10 && s[10] != ' ' && s[10] != 'T') return {};
  return std::string(s.substr(0, 10));
}

// The main address: `usageAdresse` 03 (the one every ET of the real files has), else the first.
const json* main_address(const json& et) {
  const json* addresses = field(et, {"adresse", "adresses"});
  if (!addresses) addresses = field(info_of(et), {"adresse", "adresses"});
  if (!addresses) return nullptr;
  if (addresses->is_object()) return addresses;
  if (!addresses->is_array()) return nullptr;
  const json* first = nullptr;
  for (const json& a : *addresses) {
    if (!a.is_object()) continue;
    if (text(field(a, {"usageadresse"})) == "03") return &a;
    if (!first) first = &a;
  }
  return first;
}

// INSEE département of a commune code: "01053" → "01", "2A004" → "2A", "97411" → "974".
std::string departement_of_commune(std::string cog) {
  for (char& c : cog)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (cog.size() != 5) return {};
  return cog.substr(0, cog.starts_with("97") || cog.starts_with("98") ? 3 : 2);
}

std::optional<domain::GeoPoint> wgs84(const std::string& lon_text, const std::string& lat_text) {
  const auto lon = parse_decimal(lon_text), lat = parse_decimal(lat_text);
  if (!lon || !lat || std::abs(*lat) > 90 || std::abs(*lon) > 180) return std::nullopt;
  return domain::GeoPoint{*lat, *lon};
}

// coordonneeX is the longitude and coordonneeY the latitude (WGS84); the Lambert-93 pair sits in
// the misleadingly named directionLongitude (X) and directionLatitude (Y). Some records of the
// real files have the two pairs the other way round (ET 010002285 in the sample): then the
// direction… pair is the WGS84 one.
void locate(const json& address, domain::Establishment& e, std::vector<std::string>& notes) {
  const json* coordinates =
      field(address, {"coordonneesgeographique", "coordonneesgeographiques", "coordonnees"});
  if (!coordinates || !coordinates->is_object()) return;
  const std::string x = text(field(*coordinates, {"coordonneex"}));
  const std::string y = text(field(*coordinates, {"coordonneey"}));
  if (x.empty() && y.empty()) return;
  e.location = wgs84(x, y);
  if (!e.location)
    e.location = wgs84(text(field(*coordinates, {"directionlongitude"})),
                       text(field(*coordinates, {"directionlatitude"})));
  if (!e.location)
    notes.push_back("coordonnées WGS84 illisibles (" + x + ", " + y + ") : ET gardé sans position");
}

void place(const json* address, domain::Establishment& e, std::vector<std::string>& notes) {
  const std::string cog = address ? text(field(*address, {"cogcommune"})) : std::string();
  const std::string commune_departement = departement_of_commune(cog);
  if (const domain::Departement* d = domain::departement_of_finess(e.finess)) {
    e.departement = d->code;
    if (!commune_departement.empty() && commune_departement != d->code)
      notes.push_back("commune " + cog + " hors du département " + d->code +
                      " du préfixe FINESS (département pris du préfixe)");
  } else {
    e.departement = commune_departement;  // check_establishment says what is wrong with it
  }
  if (!address) return;
  e.commune = town(text(field(*address, {"ligneacheminement"})));
  if (e.commune.empty()) e.commune = text(field(*address, {"libellecommune", "commune"}));
  locate(*address, e, notes);
}

// Every name map_ej() and map_et() look up in a record or its `informationsGenerales…` object,
// address lists included: keep in step with them.
constexpr std::string_view kEjFields[] = {
    "numfinesspm", "numfinessej",          "denominationpm",           "raisonsociale",
    "siren",       "denominationlonguepm", "denominationlonguepmsmsse"};
constexpr std::string_view kEtFields[] = {"numfinessege",
                                          "numfinesset",
                                          "numfinesseg",
                                          "nomegelong",
                                          "nometlong",
                                          "nomegecourt",
                                          "nometcourt",
                                          "raisonsociale",
                                          "siret",
                                          "datefermeture",
                                          "adresse",
                                          "adresses",
                                          "categorie",
                                          "categorieetablissement",
                                          "categorieentitegeographiqueexercice"};

template <std::size_t N>
bool read_field(const std::string_view (&names)[N], std::string_view key) {
  if (key.starts_with("informationsgenerales")) return true;
  for (std::string_view name : names)
    if (key == name) return true;
  return false;
}

}  // namespace

bool ej_field_read(std::string_view key) {
  return read_field(kEjFields, key);
}

bool et_field_read(std::string_view key) {
  return read_field(kEtFields, key);
}

std::expected<EjRecord, std::string> map_ej(const json& ej, std::vector<std::string>& notes) {
  if (!ej.is_object()) return std::unexpected("EJ qui n'est pas un objet JSON");
  EjRecord r;
  r.finess = lookup(ej, {"numfinesspm", "numfinessej"});
  if (r.finess.empty()) return std::unexpected("EJ sans numéro FINESS (numFinessPm)");
  if (!domain::valid_finess_format(r.finess))
    return std::unexpected("numéro FINESS EJ invalide « " + r.finess + " »");
  r.name = lookup(ej, {"denominationlonguepmsmsse", "denominationlonguepm"});
  if (r.name.empty()) r.name = lookup(ej, {"denominationpm", "raisonsociale"});
  r.siren = lookup(ej, {"siren"});
  if (!r.siren.empty() && !digits(r.siren, 9)) {
    notes.push_back("SIREN « " + r.siren + " » qui n'a pas 9 chiffres : ignoré");
    r.siren.clear();
  }
  return r;
}

std::expected<domain::Establishment, std::string> map_et(const json& et,
                                                         std::vector<std::string>& notes) {
  if (!et.is_object()) return std::unexpected("ET qui n'est pas un objet JSON");
  domain::Establishment e;
  e.finess = lookup(et, {"numfinessege", "numfinesset", "numfinesseg"});
  if (e.finess.empty()) return std::unexpected("ET sans numéro FINESS (numFinessEge)");
  if (!domain::valid_finess_format(e.finess))
    return std::unexpected("numéro FINESS ET invalide « " + e.finess + " »");
  e.name = lookup(et, {"nomegelong", "nometlong"});
  if (e.name.empty()) e.name = lookup(et, {"nomegecourt", "nometcourt", "raisonsociale"});
  e.category =
      lookup(et, {"categorieentitegeographiqueexercice", "categorieetablissement", "categorie"});
  e.category_label = domain::nomenclature_label(e.category);
  e.siret = lookup(et, {"siret"});
  if (!e.siret.empty() && !digits(e.siret, 14)) {
    notes.push_back("SIRET « " + e.siret + " » qui n'a pas 14 chiffres : ignoré");
    e.siret.clear();
  }
  const std::string closed = lookup(et, {"datefermeture"});
  e.closed_on = date_of(closed);
  if (!closed.empty() && e.closed_on.empty())
    notes.push_back("dateFermeture « " + closed + " » illisible : ET gardé comme ouvert");
  place(main_address(et), e, notes);
  return e;
}

}  // namespace grappe::reference::internal
