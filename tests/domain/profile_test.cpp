// Establishment profiles: strict parsing, who may record them, what an update appends.
#include "grappe/domain/profile.h"

#include <gtest/gtest.h>

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

Establishment ehpad() {
  Establishment e;
  e.finess = "330010174";
  e.ej = "330001009";
  e.name = "EHPAD Les Tilleuls";
  e.category = "500";
  e.departement = "33";
  e.region = "75";
  e.in_scope = true;
  return e;
}

User gestionnaire(std::vector<std::string> og) {
  return User{"g", "Gestionnaire", Role::kGestionnaire, std::move(og), {}};
}

TEST(ParseProfile, ReadsEveryField) {
  const auto p = parse_profile(Json::parse(
      R"({"dui":{"vendor":"Éditeur","software":"Logiciel"},"publics":["PH","PA","PH"],
          "lookingForGrappe":true,"note":"Ligne 1\nLigne 2","other":1})"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->dui, (Dui{"Éditeur", "Logiciel"}));
  EXPECT_EQ(p->publics, (std::vector<std::string>{"PA", "PH"}));  // canonical order, no double
  EXPECT_EQ(p->looking_for_grappe, true);
  EXPECT_EQ(p->note, "Ligne 1\nLigne 2");
}

TEST(ParseProfile, EmptyObjectIsAnEmptyUpdate) {
  const auto p = parse_profile(Json::object());
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, EstablishmentProfile{});
}

TEST(ParseProfile, RefusesMistypedAndUnknownValuesWithoutEchoingThem) {
  for (const char* body :
       {R"({"lookingForGrappe":"oui"})", R"({"publics":"PA"})",
        R"({"publics":["PA","secret-value"]})", R"({"dui":"X"})", R"({"dui":{"vendor":"A"}})",
        R"({"dui":{"vendor":1,"software":"B"}})", R"({"note":42})", R"([])"}) {
    const auto p = parse_profile(Json::parse(body));
    ASSERT_FALSE(p) << body;
    EXPECT_EQ(p.error().code, RejectionCode::kBadRequest) << body;
    EXPECT_EQ(p.error().message.find("secret-value"), std::string::npos);
  }
  EXPECT_FALSE(parse_profile({{"note", std::string(1001, 'x')}}));
  EXPECT_TRUE(parse_profile({{"note", std::string(1000, 'x')}}));
  EXPECT_FALSE(parse_profile({{"dui", {{"vendor", "A\x01"}, {"software", "B"}}}}));
}

TEST(DecideProfile, OnlyTheEstablishmentsOwnGestionnaireMayUpdate) {
  const Establishment e = ehpad();
  EstablishmentProfile update;
  update.looking_for_grappe = true;
  EXPECT_TRUE(decide_profile(gestionnaire({"330001009"}), &e, {}, update));
  for (const User& u :
       {gestionnaire({"640002002"}), User{"a", "ARS", Role::kArs, {}, {"75"}},
        User{"x", "Admin", Role::kAdmin, {}, {}}, User{"y", "Audit", Role::kAuditor, {}, {}}}) {
    const auto d = decide_profile(u, &e, {}, update);
    ASSERT_FALSE(d) << u.id;
    EXPECT_EQ(d.error().code, RejectionCode::kForbidden);
  }
  const auto missing = decide_profile(gestionnaire({"330001009"}), nullptr, {}, update);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, RejectionCode::kNotFound);
}

TEST(DecideProfile, CarriesOnlyWhatChangesAndNothingForARepeat) {
  const Establishment e = ehpad();
  EsmsState current;
  current.profile.dui = Dui{"V", "S"};
  current.profile.looking_for_grappe = false;
  EstablishmentProfile update;
  update.dui = Dui{"V", "S"};
  update.looking_for_grappe = true;
  update.note = "";
  const auto d = decide_profile(gestionnaire({"330001009"}), &e, current, update);
  ASSERT_TRUE(d && *d);
  EXPECT_FALSE((*d)->dui);
  EXPECT_EQ((*d)->looking_for_grappe, true);
  EXPECT_EQ((*d)->note, "");
  current = evolve_esms(current, **d, EventMeta{1, "2026-01-01T00:00:00.000Z", "g", "G"});
  const auto again = decide_profile(gestionnaire({"330001009"}), &e, current, update);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST(ProfileJson, HasEveryFieldWithDefaults) {
  EXPECT_EQ(profile_json({}),
            Json::parse(R"({"dui":null,"publics":[],"lookingForGrappe":false,"note":""})"));
  EstablishmentProfile p;
  p.dui = Dui{"V", "S"};
  p.publics = std::vector<std::string>{"PA"};
  EXPECT_EQ(profile_json(p)["dui"]["software"], "S");
  EXPECT_EQ(profile_json(p)["publics"], Json::array({"PA"}));
}

TEST(CategoryPublics, FollowTheCategoriesTable) {
  EXPECT_EQ(category_publics("500"), public_set({"PA"}));
  EXPECT_EQ(category_publics("183"), public_set({"PH", "enfance"}));
  EXPECT_EQ(category_publics("255"), public_set({"PH"}));
  EXPECT_EQ(category_publics("340"), public_set({"PJM"}));
  EXPECT_EQ(category_publics("354"), public_set({"domicile"}));
  EXPECT_EQ(category_publics("355"), 0);  // a hospital
  EXPECT_EQ(category_publics("999"), 0);
}

}  // namespace
}  // namespace grappe::domain
