// The sign-in's limits: /auth/login and /auth/callback per address, the sign-ins in progress (a
// flood evicts the oldest, never refuses the new one).
#include <gtest/gtest.h>

#include <fstream>
#include <future>

#include "oidc_client.h"
#include "oidc_support.h"
#include "signin.h"
#include "support.h"

namespace grappe::test {
namespace {

using boost::beast::http::verb;

TEST(OidcLimits, SignInsPerAddressAreLimitedWhenGiven) {
  TempDir secrets("oidc");
  std::ofstream(secrets.path / "secret") << "fake-secret\n";
  NodeIssuer issuer("fake_issuer.mjs");
  issuer.start({"grappe-test", "fake-secret"});
  Server server({"--oidc-issuer", issuer.url(), "--oidc-client-id", "grappe-test",
                 "--oidc-client-secret-file", (secrets.path / "secret").string(),
                 "--signins-per-minute", "3"});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(server.port(), "/auth/login").status, 302) << i;
  EXPECT_EQ(get(server.port(), "/auth/login").status, 429);
  EXPECT_EQ(get(server.port(), "/auth/callback?state=x&code=y").status, 429);
  EXPECT_EQ(get(server.port(), "/api/auth/methods").status, 200);  // the rest is not limited
}

// Begins a sign-in on `client`; its cookie and state.
std::pair<std::string, std::string> begin_signin(server::oidc::Client& client) {
  std::promise<std::expected<server::oidc::Start, std::string>> p;
  client.begin([&](auto start) { p.set_value(std::move(start)); });
  auto start = p.get_future().get();
  if (!start) throw std::runtime_error(start.error());
  auto at = start->url.find("state=") + 6;
  return {start->cookie, start->url.substr(at, start->url.find('&', at) - at)};
}

std::string finish_signin(server::oidc::Client& client,
                          const std::pair<std::string, std::string>& s) {
  std::promise<std::string> p;
  client.finish(s.first, s.second, "no-such-code",
                [&](auto identity) { p.set_value(identity ? "" : identity.error()); });
  return p.get_future().get();
}

TEST(OidcLimits, AFullTableOfSignInsDropsTheOldest) {
  NodeIssuer issuer("fake_issuer.mjs");
  issuer.start({"grappe-test", "fake-secret"});
  server::oidc::ClientConfig config{issuer.url(), "grappe-test", "fake-secret",
                                    "http://127.0.0.1:1/auth/callback"};
  config.max_pending = 2;
  server::oidc::Client client(config);
  auto first = begin_signin(client);
  auto second = begin_signin(client);
  auto third = begin_signin(client);  // refused before the fix: "too many sign-ins in progress"
  const std::string gone = "no sign-in in progress for this browser";
  EXPECT_EQ(finish_signin(client, first), gone);
  EXPECT_NE(finish_signin(client, second), gone);  // reaches the token endpoint (a bad code)
  EXPECT_NE(finish_signin(client, third), gone);
  client.stop();
}

// A provider down is not asked again at every sign-in: its failure is answered for 10 s.
TEST(OidcLimits, AFailedDiscoveryIsAnsweredAgainForTenSeconds) {
  NodeIssuer issuer("fake_issuer.mjs");  // not started: nothing listens on its port yet
  server::oidc::Client client(
      {issuer.url(), "grappe-test", "fake-secret", "http://127.0.0.1:1/auth/callback"});
  EXPECT_THROW(begin_signin(client), std::runtime_error);
  issuer.start({"grappe-test", "fake-secret"});
  EXPECT_THROW(begin_signin(client), std::runtime_error);  // fetched again before the fix
  client.stop();
}

}  // namespace
}  // namespace grappe::test
