// The FINESS+ reader cuts the text into records with a byte scanner before a parser sees them:
// strings with escaped quotes and brackets, split at any byte by a chunk boundary, cut the same;
// a record that is not JSON, an empty value or file, and a skipped field still tell why.
#include <gtest/gtest.h>

#include <sstream>

#include "finess_plus_support.h"
#include "grappe/reference/finess_plus.h"

namespace grappe::reference {
namespace {

using testing::finess_plus_fixture;
using testing::gzip;
using testing::read;

constexpr std::string_view kPlainName = R"x("EHPAD LES TILLEULS (fictif)")x";
// Every byte the scanner must not take for structure: escaped quotes and backslashes, brackets
// and braces, a comma, and an escaped character on both sides of a boundary.
constexpr std::string_view kTrickyName = R"("EHPAD \"LES\" {TILLEULS}, [fictif] \\\" \u00e9\\")";
constexpr std::string_view kTrickyDecoded = "EHPAD \"LES\" {TILLEULS}, [fictif] \\\" é\\";

std::expected<FinessPlusFile, std::string> read_text(const std::string& text,
                                                     std::vector<std::string>* warnings = nullptr) {
  std::istringstream in(text);
  return read_finess_plus(in, "t.json", warnings);
}

std::string tricky_fixture() {
  std::string text = read(finess_plus_fixture("variantes-schema.json"));
  const auto at = text.find(kPlainName);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, kPlainName.size(), kTrickyName);
}

// Plain text is handed out in 64 KiB chunks: leading white space moves the tricky name across the
// first boundary one byte at a time.
TEST(FinessPlusScan, CutsRecordsWhateverByteAChunkEndsOn) {
  const std::string text = tricky_fixture();
  const std::size_t name_at = text.find(kTrickyName);
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  for (std::size_t shift = 0; shift <= kTrickyName.size() + 1; ++shift) {
    const std::string padded = std::string(kChunk - name_at - shift, ' ') + text;
    for (const std::string& bytes : {padded, gzip(padded)}) {
      auto file = read_text(bytes);
      ASSERT_TRUE(file) << shift << ": " << file.error();
      ASSERT_EQ(file->establishments, 2u) << shift;
      EXPECT_EQ(file->source.establishments[0].name, kTrickyDecoded) << shift;
      EXPECT_EQ(file->generated_at, "2026-09-01T03:00:00Z");
    }
  }
}

TEST(FinessPlusScan, RefusesARecordThatIsNotJson) {
  std::string text = tricky_fixture();
  text.replace(text.find(R"("codePostal": "33000")"), 21, R"("codePostal": 33 000)");
  auto file = read_text(text);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().find("JSON invalide dans la valeur qui commence à l'octet"),
            std::string::npos)
      << file.error();
}

TEST(FinessPlusScan, NamesWhatIsWrongWithTheOutline) {
  auto error = [](const std::string& text) {
    auto file = read_text(text);
    return file ? std::string("(lu)") : file.error();
  };
  EXPECT_NE(error(R"({"pmej": [{"ege": [], "x": }]})").find("JSON invalide à l'octet 27 (« } »"),
            std::string::npos)
      << error(R"({"pmej": [{"ege": [], "x": }]})");
  EXPECT_NE(error(R"({"pmej" [])").find("JSON invalide à l'octet 8"), std::string::npos);
  EXPECT_NE(error(R"({"pmej": [] "x": 1})").find("JSON invalide"), std::string::npos);
  EXPECT_NE(error("").find("fichier vide"), std::string::npos) << error("");
  EXPECT_NE(error("  42").find("valeur JSON isolée"), std::string::npos);
  EXPECT_NE(error("\xEF\xBB\xBF<xml/>").find("pas du JSON"), std::string::npos);
  EXPECT_NE(error(R"({"pmej": [{"ege": [{"a": "x)").find("fichier tronqué"), std::string::npos);
  EXPECT_NE(error(R"({"pmej": [{"ege": [{"a": "\)").find("fichier tronqué"), std::string::npos);
}

// Top-level fields other than `pmej` are skipped by structure: brackets inside their strings do
// not end them early.
TEST(FinessPlusScan, SkipsUnusedFieldsByTheirStructure) {
  std::string text = tricky_fixture();
  text.replace(text.find(R"("gco": [])"), 9, R"("gco": [{"a": "]}\"]}"}, [[]], "}"])");
  auto file = read_text(text);
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->establishments, 2u);
}

// Hostile files stay bounded: remarks past 10,000 in one EJ are counted, not kept; a key of more
// than 4 KiB or a header string that is not UTF-8 refuses the file.
TEST(FinessPlusScan, BoundsWhatOneEjHolds) {
  std::string text = tricky_fixture();
  std::string zeros = "0";
  for (int i = 1; i < 25'000; ++i) zeros += ",0";
  text.replace(text.find(R"("ege": [)") + 8, 0, zeros + ",");
  std::vector<std::string> warnings;
  auto file = read_text(text, &warnings);
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->establishments, 2u);
  EXPECT_EQ(file->skipped, 25'000u);
  EXPECT_LE(warnings.size(), 10'002u);
  EXPECT_NE(warnings.back().find("autres"), std::string::npos) << warnings.back();

  const std::string key(5000, 'k');
  auto long_key = read_text(R"({"pmej": [{")" + key + R"(": 1}]})");
  ASSERT_FALSE(long_key);
  EXPECT_NE(long_key.error().find("clé JSON de plus de 4 Kio"), std::string::npos);

  std::string bad = tricky_fixture();
  bad.replace(bad.find("2026-09-01T"), 10, std::string("2026-09-0") + '\xC1');
  auto not_utf8 = read_text(bad);
  ASSERT_FALSE(not_utf8);
  EXPECT_NE(not_utf8.error().find("JSON invalide"), std::string::npos) << not_utf8.error();
}

}  // namespace
}  // namespace grappe::reference
