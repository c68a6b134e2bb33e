// The routing table on its own: patterns, typed path parameters, 404 and 405.
#include "router.h"

#include <gtest/gtest.h>

namespace grappe::server {
namespace {

using V = boost::beast::http::verb;

void noop(ServerContext&, Call&) {}
void other(ServerContext&, Call&) {}

Router table() {
  return Router({{V::get, "/api/grappes", Access::kSignedIn, noop},
                 {V::get, "/api/grappes/{grappe}", Access::kSignedIn, noop},
                 {V::get, "/api/grappes/{grappe}/events", Access::kSignedIn, other},
                 {V::post, "/api/grappes/{grappe}/commands", Access::kSignedIn, noop},
                 {V::get, "/api/establishments/{finess}", Access::kSignedIn, noop},
                 {V::delete_, "/api/admin/users/{user}", Access::kSignedIn, noop},
                 {V::get, "/healthz", Access::kPublic, other}});
}

TEST(Router, FindsTheRouteAndItsTypedParameters) {
  const auto router = table();
  auto found = router.find(V::get, "/api/grappes/g-1/events");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->route->handler, &other);
  EXPECT_EQ(found->route->pattern, "/api/grappes/{grappe}/events");
  EXPECT_EQ(found->params.grappe, "g-1");
  EXPECT_TRUE(found->params.finess.empty());

  found = router.find(V::get, "/api/establishments/750000001");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->params.finess, "750000001");
  found = router.find(V::delete_, "/api/admin/users/alice_2");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->params.user, "alice_2");
  EXPECT_EQ(router.find(V::get, "/healthz").value().route->access, Access::kPublic);
}

TEST(Router, UnknownPathsAre404AndOtherMethods405) {
  const auto router = table();
  for (const auto* path : {"/api/grappe", "/api/grappes/g-1/nothing", "/api/grappes/g-1/events/x",
                           "/api/grappes/", "/", "/api", "/api/grappes//events"}) {
    auto found = router.find(V::get, path);
    ASSERT_FALSE(found) << path;
    EXPECT_EQ(found.error().status, 404) << path;
  }
  auto miss = router.find(V::put, "/api/grappes/g-1/commands");
  ASSERT_FALSE(miss);
  EXPECT_EQ(miss.error().status, 405);
  EXPECT_EQ(miss.error().message, "method not allowed");
  EXPECT_EQ(router.find(V::post, "/api/grappes").error().status, 405);
  // HEAD is not GET for the API.
  EXPECT_EQ(router.find(V::head, "/healthz").error().status, 405);
}

TEST(Router, AParameterOfTheWrongFormIsNotFound) {
  const auto router = table();
  const std::string too_long(65, 'a');
  for (const auto& id : {std::string("a b"), std::string("g%2F1"), std::string("..") + "", too_long,
                         std::string("é")}) {
    auto found = router.find(V::get, "/api/grappes/" + id);
    ASSERT_FALSE(found) << id;
    EXPECT_EQ(found.error().status, 404) << id;
    EXPECT_EQ(found.error().message, "no such grappe") << id;
  }
  EXPECT_EQ(router.find(V::delete_, "/api/admin/users/a.b").error().message, "no such user");
  // A wrong parameter under a path that exists nowhere is no endpoint at all.
  EXPECT_EQ(router.find(V::get, "/api/grappes/a b/nothing").error().message, "no such endpoint");
}

TEST(Router, AnUnknownParameterTypeIsAProgrammingError) {
  EXPECT_THROW(Router({{V::get, "/api/{thing}", Access::kPublic, noop}}), std::logic_error);
}

}  // namespace
}  // namespace grappe::server
