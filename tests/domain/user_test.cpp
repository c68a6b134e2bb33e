#include "grappe/domain/user.h"

#include <gtest/gtest.h>

#include "grappe/domain/config.h"
#include "grappe/domain/rejection.h"
#include "grappe/domain/user_directory.h"

namespace grappe::domain {
namespace {

using Json = nlohmann::json;

TEST(Role, RoundTripsWireNames) {
  for (Role r : {Role::kGestionnaire, Role::kArs, Role::kAuditor, Role::kAdmin})
    EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_FALSE(parse_role("root"));
}

TEST(ParseUser, AcceptsAWellFormedUserAndWritesItBack) {
  const Json j = {{"id", "u1"},          {"name", "Marie"},          {"role", "gestionnaire"},
                  {"og", {"010780054"}}, {"regions", Json::array()}, {"extra", 1}};
  auto u = parse_user(j);
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->og, std::vector<std::string>{"010780054"});
  Json back = to_json(*u);
  EXPECT_EQ(back["role"], "gestionnaire");
  EXPECT_EQ(parse_user(back), u);
  auto ars = parse_user({{"id", "a"}, {"name", "A"}, {"role", "ars"}, {"regions", {"75"}}});
  ASSERT_TRUE(ars);
  EXPECT_TRUE(instructs(*ars, "75"));
  EXPECT_FALSE(instructs(*ars, "11"));
  EXPECT_FALSE(acts_for(*ars, "010780054"));
}

TEST(ParseUser, RejectsEveryMalformedField) {
  const Json good = {{"id", "u1"}, {"name", "Marie"}, {"role", "gestionnaire"}};
  const std::vector<std::pair<std::string, Json>> bad = {
      {"id", 3},           {"id", ""},     {"id", "a b"},       {"name", ""},          {"name", 5},
      {"role", "root"},    {"role", true}, {"og", "010780054"}, {"og", {"010780055"}}, {"og", {1}},
      {"regions", {"99"}}, {"regions", 7}};
  for (const auto& [key, value] : bad) {
    Json j = good;
    j[key] = value;
    EXPECT_FALSE(parse_user(j)) << key << "=" << value.dump();
  }
  for (const char* key : {"id", "name", "role"}) {
    Json j = good;
    j.erase(key);
    EXPECT_FALSE(parse_user(j)) << key;
  }
  EXPECT_FALSE(parse_user(Json::array()));
  auto e =
      parse_user({{"id", "u1"}, {"name", "x"}, {"role", "gestionnaire"}, {"og", {"<script>"}}});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().find("<script>"), std::string::npos);
}

TEST(ParseUser, ReadsEmailAndNotifications) {
  const Json good = {{"id", "u1"}, {"name", "Marie"}, {"role", "gestionnaire"}};
  auto plain = parse_user(good);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->notifications, Notifications::kImmediate);
  EXPECT_TRUE(to_json(*plain)["email"].is_null());
  Json j = good;
  j["email"] = "Marie.Durand@Exemple.fr";
  j["notifications"] = "daily";
  auto u = parse_user(j);
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->notifications, Notifications::kDaily);
  EXPECT_EQ(email_key(u->email), "marie.durand@exemple.fr");
  EXPECT_EQ(parse_user(to_json(*u)), u);
  for (Json bad : {Json("x"), Json("a b@c.fr"), Json("a@b"), Json("a@b.fr\r\nBcc: x@y.fr"),
                   Json("<a@b.fr>"), Json(3)}) {
    Json k = good;
    k["email"] = bad;
    EXPECT_FALSE(parse_user(k)) << bad.dump();
  }
  Json k = good;
  k["notifications"] = "sometimes";
  EXPECT_FALSE(parse_user(k));
}

TEST(UserDirectory, FoldsSavesTokensAndRevocations) {
  UserDirectory d;
  User marie{"u1", "Marie", Role::kGestionnaire, {"010780054"}, {}};
  d = evolve_users(d, UserSaved{marie, "hash1"}, {1, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_token("hash1")->name, "Marie");
  marie.name = "Marie D.";
  d = evolve_users(d, UserSaved{marie, ""}, {2, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_token("hash1")->name, "Marie D.");  // empty hash keeps the token
  d = evolve_users(d, UserSaved{marie, "hash2"}, {3, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_token("hash1"), nullptr);
  EXPECT_NE(d.find_by_token("hash2"), nullptr);
  EXPECT_EQ(d.find_by_token(""), nullptr);
  d = evolve_users(d, UserSaved{User{"u2", "Zoé", Role::kAuditor, {}, {}}, "h"}, {4, "", "", ""});
  EXPECT_EQ(d.list().size(), 2u);
  d = evolve_users(d, UserRevoked{"u1"}, {5, "", "admin", "Admin"});
  EXPECT_EQ(d.find("u1"), nullptr);
  EXPECT_EQ(d.find_by_token("hash2"), nullptr);
  d = evolve_users(d, CommentPosted{"x"}, {6, "", "", ""});
  EXPECT_EQ(d.version, 6u);
  EXPECT_EQ(d.list().size(), 1u);
}

// Sign-in finds a user by address (issue 20): ignoring case, following a change of address, gone
// with the user.
TEST(UserDirectory, FindsUsersByAddressIgnoringCase) {
  UserDirectory d;
  User marie{"u1", "Marie", Role::kGestionnaire, {"010780054"}, {}};
  marie.email = "Marie.Dupont@Exemple.fr";
  d = evolve_users(d, UserSaved{marie, "h1"}, {1, "", "admin", "Admin"});
  ASSERT_NE(d.find_by_email("marie.dupont@exemple.FR"), nullptr);
  EXPECT_EQ(d.find_by_email("marie.dupont@exemple.fr")->id, "u1");
  EXPECT_EQ(d.find_by_email(""), nullptr);
  EXPECT_EQ(d.find_by_email("autre@exemple.fr"), nullptr);
  marie.email = "marie@exemple.fr";
  d = evolve_users(d, UserSaved{marie, ""}, {2, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_email("marie.dupont@exemple.fr"), nullptr);
  EXPECT_EQ(d.find_by_email("MARIE@exemple.fr")->id, "u1");
  marie.email.clear();
  d = evolve_users(d, UserSaved{marie, ""}, {3, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_email("marie@exemple.fr"), nullptr);
  marie.email = "marie@exemple.fr";
  d = evolve_users(d, UserSaved{marie, ""}, {4, "", "admin", "Admin"});
  d = evolve_users(d, UserRevoked{"u1"}, {5, "", "admin", "Admin"});
  EXPECT_EQ(d.find_by_email("marie@exemple.fr"), nullptr);
}

TEST(Rejection, WireNamesAndStatuses) {
  const std::vector<std::tuple<RejectionCode, std::string, int>> table = {
      {RejectionCode::kBadRequest, "bad_request", 400},
      {RejectionCode::kUnauthorized, "unauthorized", 401},
      {RejectionCode::kForbidden, "forbidden", 403},
      {RejectionCode::kNotFound, "not_found", 404},
      {RejectionCode::kConflict, "conflict", 409},
      {RejectionCode::kRuleViolation, "rule_violation", 422},
      {RejectionCode::kInvalidState, "invalid_state", 422},
      {RejectionCode::kTooLarge, "too_large", 413},
      {RejectionCode::kRateLimited, "rate_limited", 429},
      {RejectionCode::kUnavailable, "unavailable", 503},
      {RejectionCode::kInternal, "internal", 500}};
  for (const auto& [code, name, status] : table) {
    EXPECT_EQ(to_string(code), name);
    EXPECT_EQ(http_status(code), status);
    EXPECT_EQ(rejection_code(name), code);
  }
  EXPECT_EQ(rejection_code("ack"), std::nullopt);
  EXPECT_EQ(rejection_code(""), std::nullopt);
}

TEST(CallConfig, BuiltinHasOneDefaultCallEverywhere) {
  const CallConfig c = CallConfig::builtin();
  ASSERT_EQ(c.calls.size(), 1u);
  const Call* call = c.find("default");
  ASSERT_NE(call, nullptr);
  EXPECT_TRUE(call->open_in("11"));
  EXPECT_EQ(call->threshold_for("75"), 15);
  EXPECT_EQ(call->threshold_for("94"), 8);
  EXPECT_EQ(c.find("x"), nullptr);
}

TEST(CallConfig, ParsesProtocolShape) {
  auto c = CallConfig::parse(Json::parse(R"({"calls":[
    {"id":"na-2026","label":"AAP Nouvelle-Aquitaine 2026","regions":["75"],"threshold":12,
     "thresholdOverseasCorsica":6,"deadline":"2026-09-30","smallProjectsReviewed":true},
    {"id":"national","regions":"*","deadline":"2026-12-01T12:00:00Z"}]})"));
  ASSERT_TRUE(c) << c.error();
  const Call* na = c->find("na-2026");
  EXPECT_TRUE(na->open_in("75"));
  EXPECT_FALSE(na->open_in("11"));
  EXPECT_EQ(na->threshold_for("75"), 12);
  EXPECT_EQ(na->deadline, "2026-09-30T23:59:59.999Z");
  EXPECT_TRUE(na->small_projects_reviewed);
  EXPECT_EQ(c->find("national")->label, "national");
  EXPECT_EQ(c->find("national")->deadline, "2026-12-01T12:00:00.000Z");
  EXPECT_TRUE(c->find("national")->open_in("04"));
}

TEST(CallConfig, RejectsBadConfigurationsWithTheField) {
  const std::vector<std::string> bad = {
      R"([])",
      R"({"calls":{}})",
      R"({"calls":[]})",
      R"({"calls":[1]})",
      R"({"calls":[{"label":"x"}]})",
      R"({"calls":[{"id":"a b"}]})",
      R"({"calls":[{"id":"a","label":""}]})",
      R"({"calls":[{"id":"a","label":3}]})",
      R"({"calls":[{"id":"a","regions":["99"]}]})",
      R"({"calls":[{"id":"a","regions":"75"}]})",
      R"({"calls":[{"id":"a","threshold":0}]})",
      R"({"calls":[{"id":"a","threshold":"15"}]})",
      R"({"calls":[{"id":"a","thresholdOverseasCorsica":100000}]})",
      R"({"calls":[{"id":"a","deadline":"demain"}]})",
      R"({"calls":[{"id":"a","deadline":5}]})",
      R"({"calls":[{"id":"a","smallProjectsReviewed":"yes"}]})",
      R"({"calls":[{"id":"a"},{"id":"a"}]})"};
  for (const auto& text : bad) {
    auto c = CallConfig::parse(Json::parse(text));
    EXPECT_FALSE(c) << text;
    if (!c) {
      EXPECT_EQ(c.error().rfind("config", 0), 0u) << c.error();
    }
  }
}

}  // namespace
}  // namespace grappe::domain
