// Races and hostile peers: concurrent accepts, garbage bytes, half-open connections.
#include <gtest/gtest.h>

#include <thread>

#include "support.h"

namespace grappe::test {
namespace {

namespace net = boost::asio;

TEST(Races, TwoConnectionsAcceptingOneEstablishmentIntoTwoGrappesOneWins) {
  Server server;
  for (int round = 0; round < 10; ++round) {
    auto a = create_grappe(server.port(), "A" + std::to_string(round));
    auto b = create_grappe(server.port(), "B" + std::to_string(round));
    // A fresh establishment each round: the partner's organisation has 11.
    static const char* kEts[] = {"640010179", "640010344", "640010518", "640010682", "640010856",
                                 "640011029", "640011193", "400010179", "400010344", "400010518"};
    std::string et = kEts[round];
    for (const auto& g : {a, b}) {
      command(server.port(), token("porteur"), g, "InviteEstablishment", {{"finess", et}});
    }
    Ws one(server.port()), two(server.port());
    one.hello(token("partner"));
    two.hello(token("partner"));
    auto accept = [&](const std::string& g) {
      return json{{"type", "command"},
                  {"id", new_id()},
                  {"grappe", g},
                  {"name", "AcceptInvitation"},
                  {"payload", {{"finess", et}}}};
    };
    std::jthread t1([&] { one.send(accept(a)); });
    std::jthread t2([&] { two.send(accept(b)); });
    t1.join();
    t2.join();
    auto answer = [](Ws& ws) {
      for (;;) {
        auto m = ws.read();
        if (m["type"] == "ack" || m["type"] == "rejected") return m;
      }
    };
    auto r1 = answer(one), r2 = answer(two);
    int acks = (r1["type"] == "ack") + (r2["type"] == "ack");
    EXPECT_EQ(acks, 1) << r1 << r2;
    auto& loser = r1["type"] == "ack" ? r2 : r1;
    EXPECT_EQ(loser["code"], "rule_violation");
    EXPECT_EQ(loser["details"]["rule"], "exclusive_membership");
  }
}

TEST(Hostile, GarbageBytesAndHalfOpenConnectionsDoNotHurt) {
  Server server;
  net::io_context ioc;
  std::vector<net::ip::tcp::socket> idle;
  for (int i = 0; i < 20; ++i) {  // half-open: connect and say nothing
    idle.emplace_back(ioc);
    idle.back().connect({net::ip::make_address("127.0.0.1"), server.port()});
  }
  for (int i = 0; i < 5; ++i) {
    net::ip::tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), server.port()});
    std::string garbage(4096, '\0');
    for (std::size_t j = 0; j < garbage.size(); ++j) garbage[j] = static_cast<char>(j * 31 + i);
    boost::system::error_code ec;
    net::write(s, net::buffer(garbage), ec);
  }
  {  // garbage after a WebSocket upgrade
    Ws ws(server.port());
    auto& sock = boost::beast::get_lowest_layer(ws.stream()).socket();
    boost::system::error_code ec;
    net::write(sock, net::buffer(std::string("\xff\xff\xff\xff garbage", 13)), ec);
  }
  EXPECT_EQ(get(server.port(), "/healthz").status, 200);
  Ws ws(server.port());
  EXPECT_EQ(ws.hello(token("porteur"))["type"], "welcome");
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace grappe::test
