// ./tools/admin registry check FILE: what a registry file holds, without a server.
#include <gtest/gtest.h>

#include "admin_fixture.h"

namespace grappe::admin::test {
namespace {

TEST(RegistryCheck, TheRealFinessPlusSampleIsDescribed) {
  auto r = admin({"registry", "check", GRAPPE_FINESS_PLUS_SAMPLE});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("FINESS+ structures (schema v1.0.0, generated 2026-08-13T02:07:30"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1753 establishments (ET), 30 organisations (EJ), 912 closed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("octet 1752606: ET 440019644"), std::string::npos) << r.out;
}

TEST(RegistryCheck, AFileTheServerWouldRefuseSaysWhy) {
  TempDir dir;
  auto bad = dir.path / "bad.json";
  write_file(bad, R"({"pmej": "not an array"})");
  auto r = admin({"registry", "check", bad.string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("pmej"), std::string::npos) << r.err;
  auto missing = admin({"registry", "check", (dir.path / "none.json").string()});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
}

TEST(RegistryCheck, ACsvRegistryIsCountedAndItsBadRowsListed) {
  TempDir dir;
  auto csv = dir.path / "r.csv";
  write_file(csv,
             "finess,ej,name,category,departement,commune\n"
             "330010174,330001009,EHPAD A,500,33,Bordeaux\n"
             "not-a-finess,330001009,EHPAD B,500,33,Bordeaux\n");
  auto r = admin({"registry", "check", csv.string(), "--max-warnings", "0"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("simple CSV"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 establishments (ET), 1 organisations (EJ), 0 closed"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("r.csv:3:"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace grappe::admin::test
