#include "grappe/domain/registry.h"

#include <gtest/gtest.h>

#include "world.h"

namespace grappe::domain {
namespace {

Establishment row(std::string finess, std::string ej, std::string name, std::string departement) {
  Establishment e;
  e.finess = std::move(finess);
  e.ej = std::move(ej);
  e.name = std::move(name);
  e.category = "500";
  e.departement = std::move(departement);
  e.commune = "Bordeaux";
  return e;
}

TEST(CheckEstablishment, FillsRegionScopeAndLabelFromTheTables) {
  Establishment e = row("970410171", "970406005", "EHPAD", "9D");  // FINESS code of La Réunion
  std::string warning;
  EXPECT_EQ(check_establishment(e, warning), "");
  EXPECT_EQ(warning, "");
  EXPECT_EQ(e.departement, "974");
  EXPECT_EQ(e.region, "04");
  EXPECT_TRUE(e.in_scope);
  EXPECT_EQ(e.category_label, "Etablissement d'hébergement pour personnes âgées dépendantes");
}

TEST(CheckEstablishment, LabelsOtherCategoriesFromTheNomenclatureAndKeepsTheSources) {
  std::string warning;
  Establishment clinic = row("010780195", "010780054", "CLINIQUE", "01");
  clinic.category = "365";  // not classified in data/categories.csv
  EXPECT_EQ(check_establishment(clinic, warning), "");
  EXPECT_EQ(clinic.category_label, "Etablissement de Soins Pluridisciplinaire");
  EXPECT_FALSE(clinic.in_scope);
  Establishment labelled = clinic;
  labelled.category_label = "Libellé de la source";
  EXPECT_EQ(check_establishment(labelled, warning), "");
  EXPECT_EQ(labelled.category_label, "Libellé de la source");
  Establishment unknown = row("010780195", "010780054", "CLINIQUE", "01");
  unknown.category = "405";  // in neither table
  EXPECT_EQ(check_establishment(unknown, warning), "");
  EXPECT_EQ(unknown.category_label, "");
}

TEST(CheckEstablishment, ChecksCorsicanKeysLikeTheOthers) {
  std::string warning;
  Establishment good = row("2A0005658", "2A0005005", "EHPAD", "2A");
  EXPECT_EQ(check_establishment(good, warning), "");
  EXPECT_EQ(warning, "");
  EXPECT_EQ(good.region, "94");
  Establishment bad = row("2A0005657", "2A0005005", "EHPAD", "2A");
  EXPECT_EQ(check_establishment(bad, warning), "");  // kept, with a warning, as elsewhere
  EXPECT_NE(warning.find("clé de contrôle du FINESS ET"), std::string::npos) << warning;
}

TEST(CheckEstablishment, GivesTheReasonARowIsRefused) {
  std::string warning;
  for (auto [e, reason] : std::vector<std::pair<Establishment, std::string>>{
           {row("33001017", "330001009", "EHPAD", "33"), "numéro FINESS ET invalide"},
           {row("330010174", "33000100X", "EHPAD", "33"), "numéro FINESS EJ invalide"},
           {row("330010174", "330001009", "", "33"), "raison sociale vide"},
           {row("330010174", "330001009", "EHPAD", "99"), "département hors du programme"}})
    EXPECT_EQ(check_establishment(e, warning), reason);
  Establishment category = row("330010174", "330001009", "EHPAD", "33");
  category.category = "5X0";
  EXPECT_EQ(check_establishment(category, warning), "catégorie invalide");
}

TEST(CheckEstablishment, KeepsAMismatchedPrefixOrKeyWithAWarning) {
  std::string warning;
  Establishment prefix = row("640010170", "330001009", "EHPAD", "33");
  EXPECT_EQ(check_establishment(prefix, warning), "");
  EXPECT_NE(warning.find("préfixe"), std::string::npos) << warning;
  warning.clear();
  Establishment key = row("330010175", "330001009", "EHPAD", "33");
  EXPECT_EQ(check_establishment(key, warning), "");
  EXPECT_NE(warning.find("clé de contrôle du FINESS ET"), std::string::npos) << warning;
}

TEST(RegistryFromSource, KeepsTheFirstOfTwoEqualFinessAndNamesTheOther) {
  RegistrySource source{"demo.csv", {}, {{"330001009", "Association (fictif)"}}};
  source.establishments.push_back(row("330010174", "330001009", "EHPAD A", "33"));
  source.establishments.push_back(row("330010349", "330001009", "EHPAD B", "33"));
  source.establishments.push_back(row("330010174", "330001009", "EHPAD C", "33"));
  std::vector<std::string> duplicates;
  const Registry r = Registry::from_source(std::move(source), &duplicates);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.find("330010174")->name, "EHPAD A");
  EXPECT_EQ(duplicates, std::vector<std::string>{"330010174"});
  EXPECT_EQ(r.find("330010349")->ej_name, "Association (fictif)");
  EXPECT_EQ(r.search("ehpad", "", "", 10).size(), 2u);
  EXPECT_EQ(r.label(), "demo.csv (2 établissements)");
}

class RegistrySearch : public ::testing::Test {
 protected:
  Registry registry_ = testing::load_demo_registry();
};

TEST_F(RegistrySearch, IgnoresAccentsAndCase) {
  auto hits = registry_.search("perigueux", "", "", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->commune, "Périgueux");
  EXPECT_EQ(registry_.search("ÉTABLISSEMENT", "", "", 10).size(), 0u);
  EXPECT_EQ(registry_.search("ehpad tilleuls", "", "", 10).size(), 1u);
  EXPECT_EQ(registry_.search("TILL", "", "", 10).size(), 1u);
  EXPECT_EQ(registry_.search("illeuls", "", "", 10).size(), 0u);  // word prefixes only
  EXPECT_EQ(registry_.search("saint-denis", "", "", 10).size(), 1u);
}

TEST_F(RegistrySearch, MatchesFinessPrefixesAndFilters) {
  const auto by_prefix = registry_.search("2A", "", "", 100);
  EXPECT_EQ(by_prefix.size(), 3u);
  EXPECT_EQ(registry_.search("9704", "", "", 100).size(), 8u);
  EXPECT_EQ(registry_.search("ehpad", "64", "", 100).size(), 3u);
  EXPECT_EQ(registry_.search("", "9D", "500", 100).size(), 3u);
  EXPECT_EQ(registry_.search("", "974", "", 100).size(), 8u);
  EXPECT_EQ(registry_.search("", "", "", 5).size(), 5u);
  EXPECT_EQ(registry_.search("ehpad", "", "", 4).size(), 4u);
  EXPECT_TRUE(registry_.search("", "99", "", 100).empty());
  EXPECT_TRUE(registry_.search("zzz", "", "", 100).empty());
}

TEST_F(RegistrySearch, ByEjAndAdd) {
  const std::string ej = registry_.establishments().front().ej;
  EXPECT_EQ(registry_.by_ej(ej).size(), 13u);
  EXPECT_TRUE(registry_.by_ej("000000000").empty());
  EXPECT_EQ(registry_.ej_name("000000000"), "");
  Establishment e{"330099995", ej,      "",  "Nouvel EHPAD (fictif)", "500", "", "33",
                  "75",        "Cenon", true};
  EXPECT_TRUE(registry_.add(e));
  EXPECT_FALSE(registry_.add(e));
  EXPECT_EQ(registry_.search("cenon", "", "", 10).size(), 1u);
  Registry other;
  other.add(e);
  std::vector<std::string> warnings;
  registry_.merge(std::move(other), &warnings);
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_EQ(Registry().label(), "registre (0 établissements)");
}

}  // namespace
}  // namespace grappe::domain
