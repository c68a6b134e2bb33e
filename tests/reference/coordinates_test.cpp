// Positions of establishments: the extract's projected coordinates converted with PROJ at load,
// the CSV's latitude/longitude.
#include "grappe/reference/coordinates.h"

#include <gtest/gtest.h>

#include "grappe/reference/registry_file.h"
#include "test_data.h"

namespace grappe::reference {
namespace {

std::string sample_with(const std::string& geolocalisation_lines) {
  std::string text = testing::read(testing::test_data_path("finess-et-sample.csv"));
  if (!text.ends_with('\n')) text += '\n';
  return text + geolocalisation_lines;
}

TEST(Geo, EpsgCodeIsReadFromTheSourceField) {
  EXPECT_EQ(epsg_in_source("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"), 2154);
  EXPECT_EQ(epsg_in_source("1,ATLASANTE,96,BAN,EPSG:5490 RGAF09/UTM Zone 20N (Antilles)"), 5490);
  EXPECT_EQ(epsg_in_source("1,ATLASANTE,96,BAN"), std::nullopt);
  EXPECT_EQ(epsg_in_source("EPSG:"), std::nullopt);
}

TEST(Geo, LambertOriginIsFortySixAndAHalfNorthThreeEast) {
  CoordinateConverter c;
  const auto p = c.to_wgs84(2154, 700000, 6600000);
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->lat, 46.5, 1e-6);
  EXPECT_NEAR(p->lon, 3.0, 1e-6);
}

TEST(Geo, OverseasUtmProjectionsConvert) {
  CoordinateConverter c;
  // On each zone's central meridian (false easting 500 km).
  const auto antilles = c.to_wgs84(5490, 500000, 1600000);  // UTM 20N
  ASSERT_TRUE(antilles);
  EXPECT_NEAR(antilles->lon, -63, 1e-6);
  EXPECT_NEAR(antilles->lat, 14.47, 0.01);
  const auto guyane = c.to_wgs84(2972, 500000, 550000);  // RGFG95 / UTM 22N
  ASSERT_TRUE(guyane);
  EXPECT_NEAR(guyane->lon, -51, 1e-6);
  const auto reunion = c.to_wgs84(2975, 340000, 7665000);  // RGR92 / UTM 40S
  ASSERT_TRUE(reunion);
  EXPECT_NEAR(reunion->lat, -21.1, 0.2);
  EXPECT_NEAR(reunion->lon, 55.5, 0.2);
  const auto mayotte = c.to_wgs84(4471, 515000, 8580000);  // RGM04 / UTM 38S
  ASSERT_TRUE(mayotte);
  EXPECT_NEAR(mayotte->lat, -12.8, 0.2);
  EXPECT_NEAR(mayotte->lon, 45.15, 0.2);
}

TEST(Geo, UnknownProjectionGivesNothing) {
  CoordinateConverter c;
  EXPECT_EQ(c.to_wgs84(999999, 1, 2), std::nullopt);
}

TEST(RegistryGeolocalisation, ExtractCoordinatesBecomeWgs84AtLoad) {
  std::vector<std::string> warnings;
  const auto r = load_registry_bytes(
      sample_with("geolocalisation;010000024;870000.0;6570000.0;"
                  "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole);2020-02-04\n"
                  "geolocalisation;970302287;352000,5;542000,0;"
                  "1,ATLASANTE,96,BAN,EPSG:2972 RGFG95/UTM Zone 22N (Guyane);2020-02-04\n"),
      "extract", &warnings);
  ASSERT_TRUE(r) << r.error();
  const auto* ain = r->find("010000024");
  ASSERT_TRUE(ain->location);
  EXPECT_NEAR(ain->location->lat, 46.2, 0.1);  // Viriat, near Bourg-en-Bresse
  EXPECT_NEAR(ain->location->lon, 5.2, 0.1);
  const auto* cayenne = r->find("970302287");
  ASSERT_TRUE(cayenne->location);
  EXPECT_NEAR(cayenne->location->lat, 4.9, 0.1);
  EXPECT_NEAR(cayenne->location->lon, -52.3, 0.1);
  EXPECT_FALSE(r->find("970102018")->location);  // no geolocalisation line
  EXPECT_EQ(warnings.size(), 1u);                // the sample's own bad row only
}

TEST(RegistryGeolocalisation, UnusableRowsAreReportedAndSkipped) {
  std::vector<std::string> warnings;
  const auto r = load_registry_bytes(
      sample_with("geolocalisation;010000024;abc;6570000;1,X,EPSG:2154 Lambert-93;2020-02-04\n"
                  "geolocalisation;970302287;352000;542000;1,ATLASANTE,96,BAN;2020-02-04\n"
                  "geolocalisation;970102018;1;2;1,X,EPSG:999999 Inconnue;2020-02-04\n"
                  "geolocalisation;980501506;;;;2020-02-04\n"
                  "geolocalisation;123456789;870000;6570000;EPSG:2154;2020-02-04\n"),
      "extract", &warnings);
  ASSERT_TRUE(r) << r.error();
  for (const auto& e : r->establishments()) EXPECT_FALSE(e.location) << e.finess;
  ASSERT_EQ(warnings.size(), 4u);  // the sample's bad row, then the three unusable lines
  EXPECT_NE(warnings[1].find("illisibles"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[2].find("projection"), std::string::npos) << warnings[2];
  EXPECT_NE(warnings[3].find("EPSG:999999"), std::string::npos) << warnings[3];
}

TEST(RegistryGeolocalisation, CsvLatitudeAndLongitudeColumns) {
  std::vector<std::string> warnings;
  const auto r = load_registry_bytes(
      "finess,ej,name,category,departement,commune,latitude,longitude\n"
      "330010174,330001009,EHPAD A,500,33,Bordeaux,44.8378,-0.5792\n"
      "330010349,330001009,EHPAD B,500,33,Libourne,,\n"
      "330010513,330001009,EHPAD C,500,33,Blaye,144.8,-0.6\n",
      "geo.csv", &warnings);
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->find("330010174")->location);
  EXPECT_DOUBLE_EQ(r->find("330010174")->location->lat, 44.8378);
  EXPECT_FALSE(r->find("330010349")->location);
  EXPECT_FALSE(r->find("330010513")->location);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("geo.csv:4:"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace grappe::reference
