// Reading registry files: the FINESS extract (UTF-8 or Windows-1252) and the simple CSV, their
// bad rows, and the demo registry the server starts with.
#include "grappe/reference/registry_file.h"

#include <gtest/gtest.h>

#include <set>

#include "grappe/domain/finess.h"
#include "test_data.h"

namespace grappe::reference {
namespace {

using domain::departement_of_finess;
using domain::find_category;
using domain::valid_finess_strict;
using testing::demo_registry_path;
using testing::read;
using testing::test_data_path;

// UTF-8 → ISO-8859-1 for the Latin-1 range (test helper).
std::string to_latin1(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0xC2 && c <= 0xC3 && i + 1 < utf8.size()) {
      out += static_cast<char>(((c & 0x1F) << 6) | (utf8[++i] & 0x3F));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

TEST(RegistryExtract, LoadsTheRealSample) {
  std::vector<std::string> warnings;
  auto r = load_registry_file(test_data_path("finess-et-sample.csv"), &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size(), 13u);  // Wallis-et-Futuna (9J) is not a programme region
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(":13:"), std::string::npos) << warnings[0];
  const domain::Establishment* ehpad = r->find("970302287");
  ASSERT_NE(ehpad, nullptr);
  EXPECT_EQ(ehpad->departement, "973");
  EXPECT_EQ(ehpad->region, "03");
  EXPECT_EQ(ehpad->commune, "CAYENNE");
  EXPECT_EQ(ehpad->name, "E.H.P.A.D. DU CENTRE HOSPITALIER DE CAYENNE");
  EXPECT_EQ(ehpad->category_label, "Etablissement d'hébergement pour personnes âgées dépendantes");
  EXPECT_TRUE(ehpad->in_scope);
  EXPECT_FALSE(r->find("010000024")->in_scope);
  EXPECT_EQ(r->find("980501506")->name, "LIEU DE VIE ET D'ACCUEIL \"MAVOUNA MEMA 1\"");
  EXPECT_EQ(r->find("970102018")->commune, "ST BARTHELEMY");
  EXPECT_EQ(r->label(), "FINESS 2026-05-12 (13 établissements)");
}

TEST(RegistryExtract, ReadsWindows1252Files) {
  std::vector<std::string> warnings;
  auto r = load_registry_bytes(to_latin1(read(test_data_path("finess-et-sample.csv"))), "latin1",
                               &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->find("970302287")->category_label,
            "Etablissement d'hébergement pour personnes âgées dépendantes");
  EXPECT_NE(warnings[0].find("Windows-1252"), std::string::npos);
  // Windows-1252's 0x80–0x9F range: € and œ.
  auto cp = load_registry_bytes(
      "finess;etalab;1;2026-01-01\nstructureet;010000024;010780054;C\x9Cur \x80;;;;;;;;;451;01;AIN;"
      "01440 VIRIAT;;;500;;;;;;;;;;;;;\n",
      "cp1252", nullptr);
  ASSERT_TRUE(cp) << cp.error();
  EXPECT_EQ(cp->find("010000024")->name, "Cœur €");
}

TEST(RegistryExtract, SkipsBadRowsWithTheirLineNumber) {
  const std::string text =
      "finess;etalab;111;2026-05-12\r\n"
      "structureet;010000024;010780054;OK;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;01000002;010780054;BAD FINESS;;;;;;;;;451;01;AIN;01440 "
      "VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000032;010780054;TOO FEW\r\n"
      "structureet;010000040;010780054;\"OPEN QUOTE;;;\r\n"
      "structureet;010000058;010780054;KEY;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000065;010780054;CAT;;;;;;;;;451;01;AIN;01440 VIRIAT;;;5X0;;;;;;;;;;;;;\r\n"
      "structureet;330000065;010780054;PREFIX;;;;;;;;;451;01;AIN;01440 "
      "VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000073;01078005;EJ;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000081;010780055;EJKEY;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000099;010780054;;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "structureet;010000024;010780054;DUP;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\r\n"
      "geolocalisation;010000024;1;2;src;2020-01-01\r\n"
      "structureej;010780054;CH;CENTRE HOSPITALIER DE BOURG\r\n"
      "structureej;bad\r\n"
      "\r\n";
  std::vector<std::string> warnings;
  auto r = load_registry_bytes(text, "extract.csv", &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size(), 4u);  // OK, KEY, PREFIX and EJKEY are kept with a warning
  EXPECT_EQ(r->find("010000024")->ej_name, "CENTRE HOSPITALIER DE BOURG");
  EXPECT_EQ(r->ej_name("010780054"), "CENTRE HOSPITALIER DE BOURG");
  std::string all;
  for (const auto& w : warnings) all += w + "\n";
  for (const char* expected :
       {"extract.csv:3:", "extract.csv:4:", "extract.csv:5:", "extract.csv:6: clé",
        "extract.csv:7:", "extract.csv:8: préfixe", "extract.csv:9:", "extract.csv:10: clé",
        "extract.csv:11:", "extract.csv:15:", "double"})
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " in\n" << all;
}

TEST(RegistryExtract, EjFileNamesOrganisationsWhicheverComesFirst) {
  const std::string et =
      "finess;etalab;111;2026-05-12\n"
      "structureet;010000024;010780054;OK;;;;;;;;;451;01;AIN;01440 VIRIAT;;;500;;;;;;;;;;;;;\n";
  const std::string ej = "finess;etalab;112;2026-05-12\nstructureej;010780054;CH;\n";
  auto a = load_registry_bytes(ej, "ej", nullptr);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->size(), 0u);
  a->merge(std::move(*load_registry_bytes(et, "et", nullptr)));
  EXPECT_EQ(a->find("010000024")->ej_name, "CH");
  EXPECT_EQ(a->label(), "FINESS 2026-05-12 + FINESS 2026-05-12 (1 établissements)");
}

TEST(RegistryFiles, BadFilesAreErrorsNotCrashes) {
  EXPECT_FALSE(load_registry_file("/nonexistent/registry.csv", nullptr));
  EXPECT_FALSE(load_registry_bytes("", "empty", nullptr));
  EXPECT_FALSE(load_registry_bytes(" \n\n", "blank", nullptr));
  EXPECT_FALSE(load_registry_bytes(std::string("a\0b", 3), "binary", nullptr));
  EXPECT_FALSE(load_registry_bytes("a,b,c\n1,2,3\n", "header", nullptr));
  EXPECT_FALSE(load_registry_bytes("finess;etalab;1;2026-01-01\ngarbage\n", "x", nullptr));
  EXPECT_FALSE(load_registry_bytes("finess,ej,name,category,departement,commune\n", "h", nullptr));
  auto e = load_registry_bytes("finess,ej\n", "only-two.csv", nullptr);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("only-two.csv"), std::string::npos);
  domain::Registry r;
  EXPECT_FALSE(add_registry_file(r, "/nonexistent", nullptr));
}

TEST(RegistrySimpleCsv, ReadsAnyColumnOrderAndReportsBadRows) {
  const std::string text =
      "\xEF\xBB\xBF"
      "commune,finess,name,ej,departement,category\n"
      "Bordeaux,330010174,\"EHPAD \"\"Les Tilleuls\"\", fictif\",330001009,33,500\n"
      "Pau,640010170,EHPAD,640002005\n"
      "Ajaccio,2A0010179,EHPAD I Fiori,2A0005005,2A,500\n"
      "Saint-Denis,970410171,EHPAD,970406005,9D,500\n"
      "Nowhere,330010174,Dup,330001009,33,500\n"
      "X,330010182,EHPAD,330001009,99,500\n";
  std::vector<std::string> warnings;
  auto r = load_registry_bytes(text, "/tmp/simple.csv", &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size(), 3u);
  EXPECT_EQ(r->find("330010174")->name, "EHPAD \"Les Tilleuls\", fictif");
  EXPECT_EQ(r->find("970410171")->departement, "974");
  EXPECT_EQ(r->find("2A0010179")->region, "94");
  EXPECT_EQ(r->label(), "simple.csv (3 établissements)");
  EXPECT_EQ(warnings.size(), 3u);
}

TEST(DemoRegistry, EveryRowIsValid) {
  std::vector<std::string> warnings;
  auto r = load_registry_file(demo_registry_path(), &warnings);
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_GE(r->size(), 55u);
  std::set<std::string> ogs, regions;
  for (const domain::Establishment& e : r->establishments()) {
    EXPECT_TRUE(valid_finess_strict(e.finess)) << e.finess;
    EXPECT_TRUE(valid_finess_strict(e.ej)) << e.ej;
    EXPECT_EQ(departement_of_finess(e.finess)->code, e.departement) << e.finess;
    EXPECT_NE(e.name.find("(fictif)"), std::string::npos) << e.name;
    EXPECT_FALSE(e.ej_name.empty());
    EXPECT_NE(find_category(e.category), nullptr) << e.category;
    ogs.insert(e.ej);
    regions.insert(e.region);
  }
  EXPECT_EQ(ogs.size(), 6u);
  EXPECT_EQ(regions, (std::set<std::string>{"04", "75", "94"}));
}

}  // namespace
}  // namespace grappe::reference
