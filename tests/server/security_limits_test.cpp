// PROTOCOL.md v2 limits, each given explicitly (loopback peers are exempt otherwise): connections
// per address and in all, the command rate, failed authentications.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "raw_client.h"
#include "support.h"

namespace grappe::test {
namespace {

using namespace std::chrono_literals;

int status_of(RawConn& c, const std::string& target = "/healthz") {
  c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto reply = c.read_http(5s);
  return reply ? reply->status : -1;
}

TEST(LimitsTest, The257thConnectionFromOneAddressIsRefused) {
  Server server({"--max-connections-per-ip", "256"});
  std::vector<std::unique_ptr<RawConn>> open;
  for (int i = 0; i < 256; ++i) open.push_back(std::make_unique<RawConn>(server.port()));
  EXPECT_EQ(status_of(*open.back()), 200);  // the 256th is served
  RawConn extra(server.port());
  EXPECT_EQ(status_of(extra), 503);
  RawConn ws(server.port());
  EXPECT_FALSE(ws.upgrade());  // refused before the upgrade
  open.pop_back();             // one leaves: room for one more
  // The close reaches the server asynchronously.
  EXPECT_TRUE(wait_until(
      [&] {
        RawConn probe(server.port());
        return status_of(probe) == 200;
      },
      10s));
  open.clear();
  HttpAnswer scrape;
  wait_until([&] { return (scrape = get(server.port(), "/metrics")).status == 200; }, 10s);
  EXPECT_NE(scrape.text.find("grappe_connections_refused_total{limit=\"per_ip\"}"),
            std::string::npos);
}

TEST(LimitsTest, MaxConnectionsRefusesBeyondTheTotal) {
  Server server({"--max-connections", "3"});
  RawConn a(server.port()), b(server.port()), c(server.port());
  EXPECT_EQ(status_of(a), 200);
  RawConn d(server.port());
  EXPECT_EQ(status_of(d), 503);
}

TEST(LimitsTest, ACommandFloodIsRateLimitedWhileAnotherConnectionGoesThrough) {
  Server server({"--command-rate", "5"});  // burst max(200, 4×5) = 200
  auto grappe = create_grappe(server.port());
  Ws flood(server.port()), calm(server.port());
  flood.hello(token("porteur"));
  calm.hello(token("porteur"));
  int acked = 0, limited = 0;
  for (int i = 0; i < 260; ++i) {
    flood.send({{"type", "command"},
                {"id", new_id()},
                {"grappe", grappe},
                {"name", "PostComment"},
                {"payload", {{"text", "flood " + std::to_string(i)}}}});
  }
  for (int i = 0; i < 260; ++i) {
    auto answer = flood.read(20s);
    if (answer["type"] == "ack") ++acked;
    if (answer["type"] == "rejected" && answer["code"] == "rate_limited") ++limited;
  }
  EXPECT_GE(acked, 200);   // the burst
  EXPECT_GE(limited, 40);  // the rest, but for what 5/s refilled meanwhile
  auto id = new_id();
  calm.send({{"type", "command"},
             {"id", id},
             {"grappe", grappe},
             {"name", "PostComment"},
             {"payload", {{"text", "calm"}}}});
  auto answer = calm.read_until("ack", 10s);
  EXPECT_EQ(answer["id"], id);
  flood.send({{"type", "ping"}});
  EXPECT_EQ(flood.read_until("pong", 10s)["type"], "pong");  // the connection stays open
}

TEST(LimitsTest, FailedAuthenticationsAreThrottledPerAddress) {
  Server server({"--auth-failures", "20"});
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(get(server.port(), "/api/me", "wrong-token-" + std::to_string(i)).status, 401);
  }
  EXPECT_EQ(get(server.port(), "/api/me", "wrong-token").status, 429);
  EXPECT_EQ(get(server.port(), "/api/me", token("porteur")).status, 429);  // even a good one
  Ws ws(server.port());
  ws.send({{"type", "hello"}, {"token", token("porteur")}});
  EXPECT_EQ(ws.read()["code"], "rate_limited");
  EXPECT_EQ(ws.read_close_code(), 4429);
  EXPECT_EQ(get(server.port(), "/healthz").status, 200);  // no token: still answered
}

TEST(LimitsTest, LoopbackIsExemptUnlessTheOptionIsGiven) {
  Server server;
  for (int i = 0; i < 30; ++i) get(server.port(), "/api/me", "wrong");
  EXPECT_EQ(get(server.port(), "/api/me", token("porteur")).status, 200);
}

}  // namespace
}  // namespace grappe::test
