#include "grappe/domain/finess.h"

#include <gtest/gtest.h>

#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"

namespace grappe::domain {
namespace {

TEST(Finess, FormatAcceptsDigitsAndCorsicanLetters) {
  EXPECT_TRUE(valid_finess_format("010000024"));
  EXPECT_TRUE(valid_finess_format("2A0010177"));
  EXPECT_TRUE(valid_finess_format("2B0010177"));
  EXPECT_FALSE(valid_finess_format("3A0010177"));
  EXPECT_FALSE(valid_finess_format("01000002"));
  EXPECT_FALSE(valid_finess_format("0100000245"));
  EXPECT_FALSE(valid_finess_format("01000002X"));
  EXPECT_FALSE(valid_finess_format("A10000024"));
  EXPECT_FALSE(valid_finess_format("0C0000024"));
}

TEST(Finess, LuhnKeyHoldsForRealNumbers) {
  for (const char* n : {"010000024", "010780054", "970102018", "970113015", "970216057",
                        "590799730", "980501506", "980600027", "970302287"})
    EXPECT_TRUE(finess_key_ok(n)) << n;
  EXPECT_FALSE(finess_key_ok("010000025"));
  EXPECT_FALSE(finess_key_ok("bad"));
}

// 2A counts as 21 and 2B as 22, then Luhn (PROTOCOL.md v2): the 14 Corsican ET of the FINESS+
// sample of 2026-08-13 (reference/data/finess-plus/), and numbers one key away from them.
TEST(Finess, CorsicanKeysCount2AAs21And2BAs22) {
  for (const char* n : {"2A0002408", "2A0003323", "2A0003331", "2A0003729", "2A0004040",
                        "2A0004503", "2A0005658", "2A0005666", "2A0005674", "2B0002638",
                        "2B0007264", "2B0007272", "2B0007280", "2B0007298"}) {
    EXPECT_TRUE(finess_key_ok(n)) << n;
    EXPECT_TRUE(valid_finess_strict(n)) << n;
    std::string wrong = n;
    wrong[8] = static_cast<char>('0' + (wrong[8] - '0' + 1) % 10);
    EXPECT_FALSE(finess_key_ok(wrong)) << wrong;  // strict: a wrong key is wrong in Corsica too
    EXPECT_FALSE(valid_finess_strict(wrong)) << wrong;
  }
  EXPECT_TRUE(finess_key_ok("2A0000048"));
  EXPECT_FALSE(finess_key_ok("2A0000041"));
  EXPECT_FALSE(finess_key_ok("2A0000001"));  // was accepted before the rule was known
  EXPECT_TRUE(finess_key_ok("210002408"));   // the same digits as 2A0002408
  EXPECT_TRUE(finess_key_ok("220002638"));   // and as 2B0002638
}

TEST(Finess, StrictCheckNeedsAKnownDepartementPrefix) {
  EXPECT_TRUE(valid_finess_strict("010000024"));
  EXPECT_TRUE(valid_finess_strict("970102018"));
  EXPECT_FALSE(valid_finess_strict("980600027"));  // Wallis-et-Futuna: not a programme region
  EXPECT_FALSE(valid_finess_strict("010000025"));
  EXPECT_FALSE(valid_finess_strict("000000000"));
}

TEST(Finess, DepartementsAndRegions) {
  ASSERT_NE(find_departement("33"), nullptr);
  EXPECT_EQ(find_departement("33")->region, "75");
  EXPECT_EQ(find_departement("9D")->code, "974");
  EXPECT_EQ(find_departement("974")->finess_code, "9D");
  EXPECT_EQ(find_departement("99"), nullptr);
  EXPECT_EQ(departement_of_finess("970400024")->code, "974");
  EXPECT_EQ(departement_of_finess("2B0000001")->code, "2B");
  EXPECT_EQ(departement_of_finess("12"), nullptr);
  EXPECT_EQ(region_of_departement("2A"), "94");
  EXPECT_EQ(region_of_departement("zz"), "");
  EXPECT_EQ(region_name("75"), "Nouvelle-Aquitaine");
  EXPECT_TRUE(valid_region("04"));
  EXPECT_FALSE(valid_region("99"));
  EXPECT_TRUE(overseas_or_corsica("94"));
  EXPECT_TRUE(overseas_or_corsica("06"));
  EXPECT_FALSE(overseas_or_corsica("75"));
  EXPECT_FALSE(overseas_or_corsica("99"));
}

TEST(Finess, DepartementsListsEveryRowOfTheTable) {
  const auto& all = departements();
  EXPECT_EQ(all.size(), 101u);  // 96 metropolitan (2A and 2B, no 20) and 5 overseas
  EXPECT_EQ(all.front().code, "01");
  EXPECT_EQ(all.back().finess_prefix, "9805");  // Mayotte
  EXPECT_EQ(&all[32], find_departement(all[32].code));
}

TEST(Finess, CategoriesCarryTheProgrammeScope) {
  ASSERT_NE(find_category("500"), nullptr);
  EXPECT_EQ(find_category("500")->short_label, "EHPAD");
  EXPECT_TRUE(find_category("500")->in_scope);
  EXPECT_FALSE(find_category("355")->in_scope);
  EXPECT_EQ(find_category("999"), nullptr);
}

TEST(Finess, NomenclatureLabelsTheCategoriesTheTableLacks) {
  EXPECT_EQ(nomenclature_label("365"), "Etablissement de Soins Pluridisciplinaire");
  EXPECT_EQ(find_category("365"), nullptr);
  EXPECT_EQ(nomenclature_label("500"),
            "Etablissement d'hébergement pour personnes âgées dépendantes");
  EXPECT_EQ(nomenclature_label("001"), "Autres lits de m.R.");  // closed categories too
  EXPECT_EQ(nomenclature_label("405"), "");                     // not in the 2021 nomenclature
  EXPECT_EQ(nomenclature_label("code"), "");
  EXPECT_EQ(nomenclature_label(""), "");
}

TEST(Streams, NamesAndKinds) {
  EXPECT_EQ(grappe_stream("abc"), "grappe-abc");
  EXPECT_EQ(esms_stream("330010174"), "esms-330010174");
  EXPECT_EQ(stream_kind("grappe-abc"), StreamKind::kGrappe);
  EXPECT_EQ(stream_kind("esms-330010174"), StreamKind::kEsms);
  EXPECT_EQ(stream_kind(users_stream), StreamKind::kUsers);
  EXPECT_EQ(stream_kind("grappe-"), StreamKind::kOther);
  EXPECT_EQ(stream_id("grappe-abc"), "abc");
  EXPECT_EQ(stream_id("esms-1"), "1");
  EXPECT_EQ(stream_id("users"), "");
}

TEST(Time, FormatsAndParsesMilliseconds) {
  const auto t = parse_timestamp("2026-11-23T10:15:02.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_timestamp(*t), "2026-11-23T10:15:02.123Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-01-02T03:04:05.5Z")),
            "2026-01-02T03:04:05.500Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-01-02T03:04:05.123456Z")),
            "2026-01-02T03:04:05.123Z");
  for (const char* bad :
       {"2026-01-02", "2026-13-02T03:04:05Z", "2026-01-02T25:04:05Z", "2026-01-02T03:04:05+01:00",
        "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05,1Z", "2026-0x-02T03:04:05Z",
        "2026-01-02T03:04:05.1aZ"})
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

TEST(Time, FormatsEveryYearWithFourDigitsAtLeast) {
  using namespace std::chrono;
  EXPECT_EQ(format_timestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(sys_days(year(1999) / 12 / 31) + 23h + 59min + 59s + 9ms),
            "1999-12-31T23:59:59.009Z");
  EXPECT_EQ(format_timestamp(sys_days(year(7) / 1 / 2) + 3h), "0007-01-02T03:00:00.000Z");
  EXPECT_EQ(format_timestamp(sys_days(year(12026) / 1 / 2) + 3h), "12026-01-02T03:00:00.000Z");
}

}  // namespace
}  // namespace grappe::domain
