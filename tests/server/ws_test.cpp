// The WebSocket messages of PROTOCOL.md.
#include <gtest/gtest.h>

#include <functional>

#include "support.h"

namespace grappe::test {
namespace {

class WsTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }
};

TEST_F(WsTest, HelloWelcomesTheUser) {
  Ws ws(port());
  auto welcome = ws.hello(token("porteur"));
  EXPECT_EQ(welcome["user"]["id"], "porteur");
  EXPECT_EQ(welcome["user"]["role"], "gestionnaire");
  EXPECT_EQ(welcome["user"]["og"], json::array({kOgPorteur}));
  EXPECT_TRUE(welcome["server"]["version"].is_string());
  EXPECT_TRUE(welcome["position"].is_number_unsigned());
}

TEST_F(WsTest, BadTokenIsRefusedWith4401) {
  Ws ws(port());
  ws.send({{"type", "hello"}, {"token", "nope"}});
  auto error = ws.read();
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["code"], "unauthorized");
  EXPECT_EQ(ws.read_close_code(), 4401);
}

TEST_F(WsTest, MessageBeforeHelloIsRefusedWith4401AndNotServed) {
  auto grappe = create_grappe(port());
  Ws ws(port());
  ws.send({{"type", "subscribe"}, {"grappe", grappe}});
  auto error = ws.read();
  EXPECT_EQ(error["code"], "unauthorized");
  EXPECT_EQ(ws.read_close_code(), 4401);
}

TEST_F(WsTest, MalformedMessagesGetAnErrorAndTheConnectionStays) {
  Ws ws(port());
  ws.hello(token("porteur"));
  for (const char* bad :
       {"not json", "[1,2]", "{\"no\":\"type\"}", "{\"type\":\"dance\"}",
        "{\"type\":\"subscribe\",\"grappe\":42}", "{\"type\":\"command\",\"id\":\"x\"}"}) {
    ws.send_text(bad);
    auto answer = ws.read();
    EXPECT_TRUE(answer["type"] == "error" || answer["type"] == "rejected") << bad;
    EXPECT_EQ(answer["code"], "bad_request") << bad;
  }
  std::string deep(40, '[');
  ws.send_text("{\"type\":\"ping\",\"x\":" + deep + std::string(40, ']') + "}");
  EXPECT_EQ(ws.read()["code"], "bad_request");
  ws.send({{"type", "ping"}});
  EXPECT_EQ(ws.read()["type"], "pong");
}

TEST_F(WsTest, OversizedFrameClosesWith1009) {
  Ws ws(port());
  ws.hello(token("porteur"));
  ws.send_text("{\"type\":\"ping\",\"pad\":\"" + std::string(70 * 1024, 'x') + "\"}");
  EXPECT_EQ(ws.read_close_code(), 1009);
  EXPECT_EQ(get(port(), "/healthz").status, 200);
}

TEST_F(WsTest, SubscribeSendsSnapshotThenLiveEventsToEverySubscriber) {
  auto grappe = create_grappe(port());
  Ws porteur(port()), partner(port());
  porteur.hello(token("porteur"));
  partner.hello(token("partner"));
  porteur.send({{"type", "subscribe"}, {"grappe", grappe}});
  auto snapshot = porteur.read_until("snapshot");
  EXPECT_EQ(snapshot["version"], 1);
  EXPECT_EQ(snapshot["state"]["id"], grappe);
  EXPECT_EQ(snapshot["state"]["status"], "open");
  // The partner may not read the grappe before being invited.
  partner.send({{"type", "subscribe"}, {"grappe", grappe}});
  EXPECT_EQ(partner.read_until("error")["code"], "not_found");

  auto id = new_id();
  porteur.send({{"type", "command"},
                {"id", id},
                {"grappe", grappe},
                {"name", "InviteEstablishment"},
                {"payload", {{"finess", kEtPartner}}}});
  json ack, event;
  while (ack.is_null() || event.is_null()) {
    auto m = porteur.read();
    if (m["type"] == "ack") ack = m;
    if (m["type"] == "event") event = m;
  }
  EXPECT_EQ(ack["id"], id);
  EXPECT_EQ(ack["version"], 2);
  EXPECT_EQ(event["version"], 2);
  EXPECT_EQ(event["event"]["type"], "EstablishmentInvited");
  EXPECT_EQ(event["event"]["commandId"], id);
  EXPECT_EQ(event["event"]["actor"]["id"], "porteur");

  // Now invited, the partner reads it, co-edits, and both see contiguous versions.
  partner.send({{"type", "subscribe"}, {"grappe", grappe}});
  EXPECT_EQ(partner.read_until("snapshot")["version"], 2);
  partner.send({{"type", "command"},
                {"id", new_id()},
                {"grappe", grappe},
                {"name", "AcceptInvitation"},
                {"payload", {{"finess", kEtPartner}}}});
  porteur.send({{"type", "command"},
                {"id", new_id()},
                {"grappe", grappe},
                {"name", "PostComment"},
                {"payload", {{"text", "Bienvenue !"}}}});
  for (Ws* ws : {&porteur, &partner}) {
    ws->skipped.clear();
    std::vector<int> versions;
    while (versions.size() < 2) {
      auto m = ws->read();
      if (m["type"] == "event") versions.push_back(m["version"]);
    }
    EXPECT_EQ(versions, (std::vector<int>{3, 4}));
  }
}

TEST_F(WsTest, FromVersionResumesWithoutGapOrDuplicate) {
  auto grappe = create_grappe(port());
  {
    Ws ws(port());
    ws.hello(token("porteur"));
    ws.send({{"type", "subscribe"}, {"grappe", grappe}});
    ws.read_until("snapshot");
  }  // dropped
  for (int i = 0; i < 5; ++i) {
    command(port(), token("porteur"), grappe, "PostComment", {{"text", "c" + std::to_string(i)}});
  }
  Ws ws(port());
  ws.hello(token("porteur"));
  ws.send({{"type", "subscribe"}, {"grappe", grappe}, {"fromVersion", 1}});
  command(port(), token("porteur"), grappe, "PostComment", {{"text", "live"}});
  std::vector<int> versions;
  while (versions.size() < 6) {
    auto m = ws.read();
    if (m["type"] == "event") versions.push_back(m["version"]);
  }
  EXPECT_EQ(versions, (std::vector<int>{2, 3, 4, 5, 6, 7}));
}

TEST_F(WsTest, UnsubscribeStopsEvents) {
  auto grappe = create_grappe(port());
  Ws ws(port());
  ws.hello(token("porteur"));
  ws.send({{"type", "subscribe"}, {"grappe", grappe}});
  ws.read_until("snapshot");
  ws.send({{"type", "unsubscribe"}, {"grappe", grappe}});
  EXPECT_EQ(ws.read_until("unsubscribed")["grappe"], grappe);
  command(port(), token("porteur"), grappe, "PostComment", {{"text", "après"}});
  ws.send({{"type", "ping"}});
  ws.read_until("pong");
  for (const auto& m : ws.skipped) EXPECT_NE(m["type"], "event");
}

// Presence pushes are coalesced (PROTOCOL.md v2): a list may carry several changes at once, so
// the porteur reads lists until one shows what is awaited.
json presence_until(Ws& ws, const std::function<bool(const json&)>& ok) {
  for (int i = 0; i < 20; ++i) {
    json p = ws.read_until("presence");
    if (ok(p)) return p;
  }
  ADD_FAILURE() << "no presence list as awaited";
  return json();
}

TEST_F(WsTest, PresenceIsBroadcastAndVanishesOnClose) {
  auto grappe = create_grappe(port());
  command(port(), token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  Ws porteur(port());
  porteur.hello(token("porteur"));
  porteur.send({{"type", "subscribe"}, {"grappe", grappe}});
  auto first = porteur.read_until("presence");
  EXPECT_EQ(first["users"].size(), 1u);
  EXPECT_EQ(first["count"], 1);
  {
    Ws partner(port());
    partner.hello(token("partner"));
    partner.send({{"type", "subscribe"}, {"grappe", grappe}});
    auto both = presence_until(porteur, [](const json& p) { return p["users"].size() == 2; });
    EXPECT_EQ(both["count"], 2);
    partner.send(
        {{"type", "presence"}, {"grappe", grappe}, {"status", "editing"}, {"focus", kEtPartner}});
    auto editing = presence_until(porteur, [](const json& p) {
      for (const auto& u : p["users"])
        if (u["id"] == "partner" && u["status"] == "editing") return true;
      return false;
    });
    for (const auto& u : editing["users"])
      if (u["id"] == "partner") EXPECT_EQ(u["focus"], kEtPartner);
  }
  auto after = presence_until(porteur, [](const json& p) { return p["users"].size() == 1; });
  ASSERT_EQ(after["users"].size(), 1u);
  EXPECT_EQ(after["users"][0]["id"], "porteur");
}

TEST_F(WsTest, RepeatedCommandIdGetsTheFirstAnswer) {
  auto grappe = create_grappe(port());
  Ws ws(port());
  ws.hello(token("porteur"));
  auto id = new_id();
  json cmd = {{"type", "command"},
              {"id", id},
              {"grappe", grappe},
              {"name", "PostComment"},
              {"payload", {{"text", "une fois"}}}};
  ws.send(cmd);
  auto first = ws.read_until("ack");
  cmd["payload"]["text"] = "autre chose";
  ws.send(cmd);
  auto second = ws.read_until("ack");
  EXPECT_EQ(first, second);
  // A repeat that would be refused on its own (unknown command, stale version) still gets it.
  cmd["name"] = "NoSuchCommand";
  ws.send(cmd);
  EXPECT_EQ(ws.read(), first);
  cmd["name"] = "PostComment";
  cmd["expectedVersion"] = 0;
  ws.send(cmd);
  EXPECT_EQ(ws.read(), first);
  auto state = get(port(), "/api/grappes/" + grappe, token("porteur"));
  EXPECT_EQ(state.body["version"], 2);
}

TEST_F(WsTest, StaleExpectedVersionIsAConflict) {
  auto grappe = create_grappe(port());
  Ws ws(port());
  ws.hello(token("porteur"));
  ws.send({{"type", "command"},
           {"id", new_id()},
           {"grappe", grappe},
           {"expectedVersion", 0},
           {"name", "PostComment"},
           {"payload", {{"text", "x"}}}});
  auto rejected = ws.read_until("rejected");
  EXPECT_EQ(rejected["code"], "conflict");
}

TEST_F(WsTest, ClientThatStopsReadingIsClosedWith4408) {
  Server small({"--send-queue", "16"});
  auto grappe = create_grappe(small.port());
  Ws slow(small.port(), 4096);
  slow.hello(token("porteur"));
  slow.send({{"type", "subscribe"}, {"grappe", grappe}});
  // `slow` reads nothing more while others fill its queue with large events.
  Ws writer(small.port());
  writer.hello(token("porteur"));
  std::string text(3900, 'x');
  auto closed_slow = [&] {
    return get(small.port(), "/metrics").text.find("grappe_send_queue_closes_total 1") !=
           std::string::npos;
  };
  // The writer reads its answers as it goes (20 in flight), so that only `slow` lags behind.
  for (int i = 0; i < 1500 && !closed_slow(); i += 20) {
    for (int j = 0; j < 20; ++j) {
      writer.send({{"type", "command"},
                   {"id", new_id()},
                   {"grappe", grappe},
                   {"name", "PostComment"},
                   {"payload", {{"text", text}}}});
    }
    for (int j = 0; j < 20; ++j) {
      auto answer = writer.read(std::chrono::seconds(30));
      ASSERT_EQ(answer["type"], "ack") << answer;
    }
  }
  EXPECT_TRUE(closed_slow());
  EXPECT_EQ(get(small.port(), "/healthz").status, 200);  // still responsive
  EXPECT_EQ(slow.read_close_code(std::chrono::seconds(25)), 4408);
}

// --keepalive 1: a peer silent for a second is pinged; one that answers stays connected.
TEST(WsKeepAlive, SilentPeerIsPingedAndStaysWhileItAnswers) {
  Server server({"--keepalive", "1"});
  Ws ws(server.port());
  ws.hello(token("porteur"));
  int pings = 0;
  // Beast answers each ping with a pong while reading; after the second ping the client asks
  // for a `pong` message, which ends the read below.
  ws.stream().control_callback([&](boost::beast::websocket::frame_type kind, auto) {
    if (kind != boost::beast::websocket::frame_type::ping || ++pings != 2) return;
    static const std::string ping = R"({"type":"ping"})";
    ws.stream().async_write(boost::asio::buffer(ping), [](boost::system::error_code, auto) {});
  });
  auto answer = ws.read(std::chrono::seconds(15));
  EXPECT_EQ(answer["type"], "pong");
  EXPECT_EQ(pings, 2);
}

// A peer that answers nothing (here: reads nothing, so no pong) is dropped after two silent
// ticks, without a close handshake; the server stays responsive.
TEST(WsKeepAlive, PeerThatNeverAnswersIsDropped) {
  Server server({"--keepalive", "1"});
  Ws ws(server.port());
  ws.hello(token("porteur"));
  // Reads nothing meanwhile, so the server's pings go unanswered (2 ticks of 1 s, then the drop).
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(ws.peer_closed_within(std::chrono::seconds(15)));
  const auto dropped_after = std::chrono::steady_clock::now() - started;
  EXPECT_GE(dropped_after, std::chrono::seconds(1)) << "dropped before a ping went unanswered";
  // Two ticks of 1 s, plus the scheduling of a loaded machine; not ten ticks.
  EXPECT_LT(dropped_after, std::chrono::seconds(6)) << "dropped later than after two silent ticks";
  started = std::chrono::steady_clock::now();
  EXPECT_THROW(ws.read(std::chrono::seconds(5)), std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4))
      << "the read should fail at once on the dropped connection, not time out";
  EXPECT_EQ(get(server.port(), "/healthz").status, 200);
}

}  // namespace
}  // namespace grappe::test
