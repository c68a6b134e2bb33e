// FINESS+ files by hand (tests/reference/data/finess-plus/): every field-name variant of the
// schema and of the real files, broken records skipped with their byte offset, files that are
// not FINESS+ (another JSON shape, the activities file, cut short, corrupt gzip), detection.
#include <gtest/gtest.h>

#include <sstream>

#include "finess_plus_support.h"
#include "grappe/reference/finess_plus.h"
#include "grappe/reference/registry_file.h"

namespace grappe::reference {
namespace {

using testing::finess_plus_fixture;
using testing::finess_plus_sample_path;
using testing::gunzip;
using testing::gzip;
using testing::read;
using testing::TempFile;

bool has(const std::vector<std::string>& warnings, std::string_view part) {
  for (const std::string& w : warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

std::string error_of(std::string_view bytes, std::string_view name) {
  auto r = load_registry_bytes(bytes, name, nullptr);
  return r ? std::string("(lu)") : r.error();
}

TEST(FinessPlusVariants, ReadsTheSchemaSpelling) {
  std::vector<std::string> warnings;
  auto file = read_finess_plus_file(finess_plus_fixture("variantes-schema.json"), &warnings);
  ASSERT_TRUE(file) << file.error();
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(file->organisations, 1u);
  EXPECT_EQ(file->establishments, 2u);
  EXPECT_EQ(file->closed, 1u);
  EXPECT_EQ(file->source.label, "FINESS+ 2026-09-01");
  EXPECT_EQ(file->source.ej_names.at("330001009"), "ASSOCIATION DES TILLEULS (fictif)");
  const domain::Establishment& ehpad = file->source.establishments[0];
  EXPECT_EQ(ehpad.finess, "330010174");
  EXPECT_EQ(ehpad.ej, "330001009");
  EXPECT_EQ(ehpad.ej_siren, "123456789");
  EXPECT_EQ(ehpad.name, "EHPAD LES TILLEULS (fictif)");  // nomEgeLong null: the short name
  EXPECT_EQ(ehpad.category, "500");                      // {"code","system"}
  EXPECT_TRUE(ehpad.in_scope);
  EXPECT_EQ(ehpad.siret, "12345678900017");  // beside informationsGeneralesEGE
  EXPECT_EQ(ehpad.departement, "33");
  EXPECT_EQ(ehpad.region, "75");
  EXPECT_EQ(ehpad.commune, "BORDEAUX");  // "33000 BORDEAUX CEDEX"
  ASSERT_TRUE(ehpad.location);           // numbers, not strings
  EXPECT_DOUBLE_EQ(ehpad.location->lat, 44.837789);
  EXPECT_DOUBLE_EQ(ehpad.location->lon, -0.57918);
  const domain::Establishment& ssiad = file->source.establishments[1];
  EXPECT_EQ(ssiad.name, "SERVICE DE SOINS INFIRMIERS A DOMICILE DU MEDOC (fictif)");
  EXPECT_EQ(ssiad.closed_on, "2024-06-30");
  EXPECT_EQ(ssiad.commune, "LESPARRE MEDOC");
  EXPECT_FALSE(ssiad.location);  // coordonneesGeographique null
}

TEST(FinessPlusVariants, ReadsTheRealFilesSpellingInAnyCaseAndOrder) {
  std::vector<std::string> warnings;
  auto file = read_finess_plus_file(finess_plus_fixture("variantes-fichier.json"), &warnings);
  ASSERT_TRUE(file) << file.error();
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(file->source.label, "FINESS+ 2026-09-02");
  ASSERT_EQ(file->establishments, 2u);
  // ege before informationsGeneralesPMEJ: the ETs wait for their EJ.
  const domain::Establishment& home = file->source.establishments[0];
  EXPECT_EQ(home.finess, "690010178");  // NumFinessEge in InformationsGeneralesEge
  EXPECT_EQ(home.ej, "690001003");
  EXPECT_EQ(home.ej_siren, "987654321");                     // a number
  EXPECT_EQ(home.name, "FOYER DE VIE LES CEDRES (fictif)");  // nom_ege_long
  EXPECT_EQ(home.category, "382");                           // CATEGORIE…EXERCICE
  EXPECT_EQ(home.category_label, "Foyer de Vie pour Adultes Handicapés");
  EXPECT_EQ(home.siret, "12345678900025");  // SIRET, a number
  EXPECT_EQ(home.closed_on, "2021-06-30");  // date_fermeture with a time
  EXPECT_EQ(home.commune, "LYON");          // the 03 address, not the first
  ASSERT_TRUE(home.location);
  EXPECT_DOUBLE_EQ(home.location->lat, 45.764043);
  const domain::Establishment& esat = file->source.establishments[1];  // flat, one address
  EXPECT_EQ(esat.finess, "690010343");
  EXPECT_EQ(esat.name, "ESAT DES CANUTS (fictif)");
  EXPECT_EQ(esat.category, "246");  // a number
  EXPECT_EQ(esat.siret, "12345678900033");
  EXPECT_EQ(esat.commune, "LYON");
  EXPECT_EQ(esat.departement, "69");
  auto r = load_registry_file(finess_plus_fixture("variantes-fichier.json"), nullptr);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->find("690010343")->ej_name, "FONDATION DU RHONE (fictif)");
}

TEST(FinessPlusRecords, SkipsBrokenRecordsWithTheirOffsetAndWhy) {
  const std::string path = finess_plus_fixture("enregistrements-casses.json");
  const std::string text = read(path);
  std::vector<std::string> warnings;
  auto file = read_finess_plus_file(path, &warnings);
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->organisations, 2u);
  EXPECT_EQ(file->establishments, 5u);
  EXPECT_EQ(file->skipped, 11u);
  for (const char* why :
       {"ET sans numéro FINESS", "numéro FINESS ET invalide « 12345 »",
        "ET 330010687 : catégorie invalide", "ET 330010851 : raison sociale vide",
        "élément de « ege » qui n'est pas un objet", "ET 980600027 : département hors du programme",
        "EJ sans numéro FINESS (numFinessPm) ; ses 2 ET sont ignorés",
        "élément de « pmej » qui n'est pas un objet", "« ege » est un objet",
        "ET 330011024 : SIRET « 123 » qui n'a pas 14 chiffres : ignoré",
        "ET 330011198 : coordonnées WGS84 illisibles", "ET 330011362 : dateFermeture « bientot »",
        "ET 330011538 : clé de contrôle du FINESS ET incorrecte"})
    EXPECT_TRUE(has(warnings, why)) << why;
  // Each record is named by the offset of its `{` in the text.
  for (const std::string& w : warnings) {
    const auto at = w.find(":octet ");
    ASSERT_NE(at, std::string::npos) << w;
    const std::size_t offset = std::stoul(w.substr(at + 7));
    ASSERT_LT(offset, text.size()) << w;
    const auto et = w.find(": ET ");
    if (et == std::string::npos || w[et + 5] < '0' || w[et + 5] > '9') continue;
    EXPECT_EQ(text[offset], '{') << w;
    const std::string finess = w.substr(et + 5, 9);
    EXPECT_NE(text.substr(offset, 200).find(finess), std::string::npos) << w;
  }
  for (const char* kept : {"330010513", "330011024", "330011198", "330011362", "330011538"}) {
    bool found = false;
    for (const auto& e : file->source.establishments) found |= e.finess == kept;
    EXPECT_TRUE(found) << kept;
  }
  EXPECT_EQ(file->source.ej_names.at("640002002"), "EJ SANS ET (fictif)");
}

TEST(FinessPlusErrors, RefusesJsonOfAnotherShape) {
  for (const auto& [name, part] : std::vector<std::pair<std::string, std::string>>{
           {"autre-forme.json", "sans tableau « pmej »"},
           {"tableau.json", "tableau JSON en tête"},
           {"activites.json", "fichier FINESS+ « activités »"}}) {
    auto r = load_registry_file(finess_plus_fixture(name), nullptr);
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().find(name), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(part), std::string::npos) << r.error();
  }
  EXPECT_NE(error_of(R"({"pmej": {}})", "o.json").find("« pmej » est un objet"), std::string::npos);
  EXPECT_NE(error_of(R"({"pmej": 3})", "n.json").find("« pmej » n'est pas un tableau"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"pmej": []})", "e.json").find("aucune entité juridique"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"pmej": [{"ege": []}]})", "x.json").find("aucune entité juridique"),
            std::string::npos);
  EXPECT_NE(error_of(gzip("finess,ej,name\n"), "csv.gz").find("pas du JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"pmej": []} {})", "two.json").find("JSON invalide à l'octet"),
            std::string::npos);
}

TEST(FinessPlusErrors, RefusesTruncatedAndCorruptFiles) {
  const std::string gz = read(finess_plus_sample_path());
  const std::string text = gunzip(gz);
  const std::string cut_text = text.substr(0, text.size() / 2);
  const std::string cut_gz = gz.substr(0, gz.size() / 2);
  std::string corrupt = gz;
  for (std::size_t i = 1000; i < 1100; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
  TempFile plain("cut.json", cut_text), packed("cut.json.gz", cut_gz), bad("bad.json.gz", corrupt);
  auto a = load_registry_file(plain.path(), nullptr);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().find("fichier tronqué"), std::string::npos) << a.error();
  auto b = load_registry_file(packed.path(), nullptr);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("archive gzip tronquée"), std::string::npos) << b.error();
  auto c = load_registry_file(bad.path(), nullptr);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("archive gzip corrompue"), std::string::npos) << c.error();
  EXPECT_NE(error_of(cut_text, "cut").find("fichier tronqué"), std::string::npos);
  EXPECT_NE(error_of(R"({"pmej": [{"informationsGeneralesPMEJ": )", "x").find("tronqué"),
            std::string::npos);
}

TEST(FinessPlusErrors, StopsPastTheTextLimit) {
  std::istringstream in(read(finess_plus_sample_path()));
  auto file = read_finess_plus(in, "sample", nullptr, 1 << 20);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().find("texte de plus de 1 Mio"), std::string::npos) << file.error();
}

TEST(FinessPlusDetection, ByContent) {
  EXPECT_TRUE(looks_like_json_or_gzip("\x1f\x8b\x08"));
  EXPECT_TRUE(looks_like_json_or_gzip("{\"pmej\""));
  EXPECT_TRUE(looks_like_json_or_gzip("\xEF\xBB\xBF \r\n\t["));
  EXPECT_FALSE(looks_like_json_or_gzip("finess;etalab;100;2026-05-12"));
  EXPECT_FALSE(looks_like_json_or_gzip("finess,ej,name"));
  EXPECT_FALSE(looks_like_json_or_gzip("   "));
  EXPECT_FALSE(looks_like_json_or_gzip(""));
  // A BOM-prefixed plain file is read too (the JSON parser skips the BOM).
  auto r = load_registry_bytes("\xEF\xBB\xBF" + read(finess_plus_fixture("variantes-schema.json")),
                               "bom.json", nullptr);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->size(), 2u);
}

}  // namespace
}  // namespace grappe::reference

namespace grappe::reference {
namespace {

// gzip text is inflated on a thread of its own, in 256 KiB chunks: a text ending exactly on a
// chunk's end, or one byte either side, reads as the plain text does; so does an early stop.
TEST(FinessPlusStream, GzipTextEndingOnAChunkBoundary) {
  const std::string fixture = read(finess_plus_fixture("variantes-schema.json"));
  constexpr std::size_t kChunk = std::size_t{1} << 18;
  for (std::size_t size : {kChunk - 1, kChunk, kChunk + 1, 2 * kChunk}) {
    std::string text = fixture;
    ASSERT_LT(text.size(), size);
    text.append(size - text.size(), ' ');  // JSON allows trailing white space
    std::istringstream in(gzip(text));
    auto file = read_finess_plus(in, "padded", nullptr);
    ASSERT_TRUE(file) << size << ": " << file.error();
    EXPECT_EQ(file->establishments, 2u) << size;
    // Cut one byte short of the end: the text is whole (white space only is lost), the archive
    // is not.
    const std::string packed = gzip(text);
    std::istringstream cut(packed.substr(0, packed.size() - 1));
    auto truncated = read_finess_plus(cut, "cut", nullptr);
    ASSERT_FALSE(truncated) << size;
    EXPECT_NE(truncated.error().find("archive gzip tronquée"), std::string::npos)
        << truncated.error();
  }
}

TEST(FinessPlusStream, AReaderStoppingEarlyStopsTheInflatingThread) {
  // The text limit stops the parser after 1 MiB of a file of several: the inflating thread,
  // several chunks ahead and then blocked on its full queue, is stopped and joined.
  std::string text = read(finess_plus_fixture("variantes-schema.json"));
  text.append(std::size_t{8} << 20, ' ');
  std::istringstream in(gzip(text));
  auto file = read_finess_plus(in, "big", nullptr, 1 << 20);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().find("texte de plus de 1 Mio"), std::string::npos) << file.error();
}

}  // namespace
}  // namespace grappe::reference
