// The real FINESS+ sample (reference/data/finess-plus/, 2026-08-13) read end to end. The counts
// were computed apart from this reader, with Python's gzip and json modules: 30 EJ (one without
// ET), 1,753 ET, 912 of them with a dateFermeture, 131 in the Ain (89 open), 14 in Corsica,
// 1,126 metropolitan ET located, 1,443 with a SIRET.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "finess_plus_support.h"
#include "grappe/domain/finess.h"
#include "grappe/reference/coordinates.h"
#include "grappe/reference/finess_plus.h"
#include "grappe/reference/registry_file.h"

namespace grappe::reference {
namespace {

using testing::finess_plus_sample_path;
using testing::gunzip;
using testing::gzip;
using testing::read;
using testing::TempFile;

std::size_t count_if(const domain::Registry& r, auto predicate) {
  return static_cast<std::size_t>(
      std::count_if(r.establishments().begin(), r.establishments().end(), predicate));
}

TEST(FinessPlusSample, CountsEveryEstablishmentAndOrganisation) {
  std::vector<std::string> warnings;
  auto file = read_finess_plus_file(finess_plus_sample_path(), &warnings);
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->schema_version, "v1.0.0");
  EXPECT_EQ(file->generated_at, "2026-08-13T02:07:30.574916747Z");
  EXPECT_EQ(file->organisations, 30u);
  EXPECT_EQ(file->establishments, 1753u);
  EXPECT_EQ(file->closed, 912u);
  EXPECT_EQ(file->skipped, 0u);
  EXPECT_EQ(file->source.ej_names.size(), 30u);
  EXPECT_EQ(file->source.label, "FINESS+ 2026-08-13");
  // One ET whose commune lies in another département than its prefix's, and one line for the
  // categories the 2021 nomenclature lacks.
  ASSERT_EQ(warnings.size(), 2u) << warnings.front();
  EXPECT_NE(warnings[0].find("ET 440019644 : commune 49123 hors du département 44"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("absentes de la nomenclature"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[1].find("405 (129)"), std::string::npos) << warnings[1];
}

TEST(FinessPlusSample, LoadsAsTheRegistry) {
  std::vector<std::string> warnings;
  auto r = load_registry_file(finess_plus_sample_path(), &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size(), 1753u);
  EXPECT_EQ(r->label(), "FINESS+ 2026-08-13 (1753 établissements)");
  EXPECT_EQ(count_if(*r, [](const auto& e) { return !e.closed_on.empty(); }), 912u);
  EXPECT_EQ(count_if(*r, [](const auto& e) { return e.departement == "01"; }), 131u);
  EXPECT_EQ(
      count_if(*r, [](const auto& e) { return e.departement == "01" && e.closed_on.empty(); }),
      89u);
  EXPECT_EQ(count_if(*r, [](const auto& e) { return e.region == "94"; }), 14u);
  EXPECT_EQ(count_if(*r, [](const auto& e) { return !e.siret.empty(); }), 1443u);
  std::set<std::string> ejs;
  for (const auto& e : r->establishments()) ejs.insert(e.ej);
  EXPECT_EQ(ejs.size(), 29u);
  EXPECT_EQ(r->ej_name("010000016"),
            "MAISON DE RETRAITE RESIDENCE DES ANCIENS - DIVONNE-LES-BAINS");
  EXPECT_FALSE(r->search("bourg", "01", "", 10).empty());
}

TEST(FinessPlusSample, ReadsEstablishmentsFieldByField) {
  auto r = load_registry_file(finess_plus_sample_path(), nullptr);
  ASSERT_TRUE(r) << r.error();
  const domain::Establishment* clinic = r->find("010780195");
  ASSERT_NE(clinic, nullptr);
  EXPECT_EQ(clinic->ej, "010000156");
  EXPECT_EQ(clinic->ej_name, "CLINIQUE CONVERT");
  EXPECT_EQ(clinic->ej_siren, "772201489");
  EXPECT_EQ(clinic->name, "CLINIQUE DOCTEUR CONVERT");
  EXPECT_EQ(clinic->category, "365");
  EXPECT_EQ(clinic->category_label, "Etablissement de Soins Pluridisciplinaire");
  EXPECT_FALSE(clinic->in_scope);
  EXPECT_EQ(clinic->siret, "77220148900022");
  EXPECT_EQ(clinic->closed_on, "");
  EXPECT_EQ(clinic->departement, "01");
  EXPECT_EQ(clinic->region, "84");
  EXPECT_EQ(clinic->commune, "BOURG EN BRESSE");
  ASSERT_TRUE(clinic->location);
  EXPECT_DOUBLE_EQ(clinic->location->lat, 46.211257);
  EXPECT_DOUBLE_EQ(clinic->location->lon, 5.254203);

  const domain::Establishment* cattp = r->find("010009959");  // closed, "… CEDEX"
  ASSERT_NE(cattp, nullptr);
  EXPECT_EQ(cattp->closed_on, "2017-10-31");
  EXPECT_EQ(cattp->commune, "BOURG EN BRESSE");
  EXPECT_EQ(cattp->ej_name, "ORGANISATION POUR LA SANTE ET L'ACCUEIL (ORSAC)");
  EXPECT_EQ(cattp->category_label, "Centre d'Accueil Thérapeutique à temps partiel (C.A.T.T.P.)");

  const domain::Establishment* distre = r->find("440019644");  // prefix 44, commune in 49
  ASSERT_NE(distre, nullptr);
  EXPECT_EQ(distre->departement, "44");
  EXPECT_EQ(distre->region, "52");
  EXPECT_EQ(distre->commune, "DISTRE");
  EXPECT_EQ(distre->closed_on, "2026-03-18");
  EXPECT_EQ(distre->category_label, "");  // 405: in no table
  EXPECT_FALSE(distre->location);

  const domain::Establishment* mecs = r->find("970430021");  // La Réunion
  ASSERT_NE(mecs, nullptr);
  EXPECT_EQ(mecs->departement, "974");
  EXPECT_EQ(mecs->region, "04");
  EXPECT_EQ(mecs->commune, "ST PAUL");
  EXPECT_EQ(mecs->ej_name, "CROIX ROUGE FRANCAISE");
  EXPECT_EQ(mecs->category_label, "Maison d'Enfants à Caractère Social");  // the nomenclature's
  EXPECT_TRUE(mecs->in_scope);
  ASSERT_TRUE(mecs->location);
  EXPECT_DOUBLE_EQ(mecs->location->lat, -21.059714);

  const domain::Establishment* ajaccio = r->find("2A0005658");
  ASSERT_NE(ajaccio, nullptr);
  EXPECT_EQ(ajaccio->departement, "2A");
  EXPECT_EQ(ajaccio->region, "94");
  EXPECT_EQ(ajaccio->commune, "AJACCIO");
  EXPECT_EQ(ajaccio->siret, "77567227240716");

  const domain::Establishment* mayotte = r->find("980501175");
  ASSERT_NE(mayotte, nullptr);
  EXPECT_EQ(mayotte->departement, "976");
  EXPECT_EQ(mayotte->region, "06");
}

// Every located metropolitan ET lies within 1 m of the Lambert-93 pair the file gives beside its
// WGS84 one (directionLongitude = X, directionLatitude = Y; one record has the pairs the other way
// round, which the reader tolerates), converted here with PROJ.
TEST(FinessPlusSample, LocationsLieWithinAMetreOfTheLambert93Pairs) {
  auto r = load_registry_file(finess_plus_sample_path(), nullptr);
  ASSERT_TRUE(r) << r.error();
  const auto doc = nlohmann::json::parse(gunzip(read(finess_plus_sample_path())));
  CoordinateConverter converter;
  std::size_t checked = 0, swapped = 0;
  double worst_m = 0;
  for (const auto& ej : doc["pmej"])
    for (const auto& et : ej["ege"]) {
      const std::string finess = et["informationsGeneralesEGE"]["numFinessEge"];
      if (finess.starts_with("97") || finess.starts_with("98")) continue;  // local UTM there
      for (const auto& address : et["adresse"]) {
        const auto& c = address["coordonneesGeographique"];
        if (address["usageAdresse"] != "03" || c.is_null()) continue;
        double x = std::stod(c["directionLongitude"].get<std::string>());
        double y = std::stod(c["directionLatitude"].get<std::string>());
        if (x < 1000) {  // ET 010002285: the Lambert-93 pair is in coordonneeX/Y
          x = std::stod(c["coordonneeX"].get<std::string>());
          y = std::stod(c["coordonneeY"].get<std::string>());
          ++swapped;
        }
        const auto expected = converter.to_wgs84(2154, x, y);
        ASSERT_TRUE(expected) << finess;
        const domain::Establishment* e = r->find(finess);
        ASSERT_NE(e, nullptr);
        ASSERT_TRUE(e->location) << finess;
        worst_m = std::max(worst_m, domain::distance_km(*e->location, *expected) * 1000);
        ++checked;
      }
    }
  EXPECT_EQ(checked, 1126u);
  EXPECT_EQ(swapped, 1u);
  EXPECT_LT(worst_m, 1.0) << "metres";
}

TEST(FinessPlusSample, PlainGzipAndMultiMemberGzipGiveTheSameRegistry) {
  const std::string gz = read(finess_plus_sample_path());
  const std::string text = gunzip(gz);
  ASSERT_EQ(text.size(), 6627980u);
  const std::size_t half = text.size() / 2;
  const std::string two_members =
      gzip(std::string_view(text).substr(0, half)) + gzip(std::string_view(text).substr(half));
  TempFile plain("sample.json", text), members("sample-members.json.gz", two_members);
  auto from_gz = load_registry_file(finess_plus_sample_path(), nullptr);
  ASSERT_TRUE(from_gz) << from_gz.error();
  std::vector<std::expected<domain::Registry, std::string>> all;
  all.push_back(load_registry_file(plain.path(), nullptr));
  all.push_back(load_registry_file(members.path(), nullptr));
  all.push_back(load_registry_bytes(gz, "bytes.json.gz", nullptr));
  all.push_back(load_registry_bytes(text, "bytes.json", nullptr));
  for (const auto& r : all) {
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->size(), from_gz->size());
    for (std::size_t i = 0; i < r->size(); ++i) {
      const auto &a = r->establishments()[i], &b = from_gz->establishments()[i];
      EXPECT_EQ(a.finess, b.finess);
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.closed_on, b.closed_on);
      EXPECT_EQ(a.location, b.location);
    }
  }
}

TEST(FinessPlusSample, CorsicanNumbersHaveTheirKeys) {
  std::vector<std::string> warnings;
  auto r = load_registry_file(finess_plus_sample_path(), &warnings);
  ASSERT_TRUE(r) << r.error();
  std::size_t corsican = 0;
  for (const auto& e : r->establishments()) {
    if (e.finess.starts_with("2A") || e.finess.starts_with("2B")) {
      ++corsican;
      EXPECT_TRUE(domain::finess_key_ok(e.finess)) << e.finess;
      EXPECT_EQ(e.departement, e.finess.substr(0, 2));
    }
    EXPECT_TRUE(domain::finess_key_ok(e.ej)) << e.ej;
  }
  EXPECT_EQ(corsican, 14u);
  for (const std::string& w : warnings) EXPECT_EQ(w.find("clé"), std::string::npos) << w;
}

}  // namespace
}  // namespace grappe::reference
