// PROTOCOL.md v2 "Security and limits", WebSocket side: the handshake, close codes, message
// limits, hello rules, answered or closed in bounded time.
#include <gtest/gtest.h>

#include "raw_client.h"
#include "support.h"

namespace grappe::test {
namespace {

using namespace std::chrono_literals;

class SecurityWsTest : public ::testing::Test {
 protected:
  Server server_{{"--hello-timeout", "2"}};
  unsigned short port() const { return server_.port(); }
  int upgrade_status(const std::string& headers) {
    RawConn c(port());
    c.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
           headers + "\r\n");
    auto reply = c.read_http(5s);
    return reply ? reply->status : -1;
  }
};

TEST_F(SecurityWsTest, HandshakeKeyAndVersionFollowRfc6455) {
  const std::string v13 = "Sec-WebSocket-Version: 13\r\n";
  EXPECT_EQ(upgrade_status(v13 + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), 101);
  for (const char* key : {"abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j*Q==",
                          "AAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA=="}) {
    int expected = std::string(key) == "AAAAAAAAAAAAAAAAAAAAAA==" ? 101 : 400;
    EXPECT_EQ(upgrade_status(v13 + "Sec-WebSocket-Key: " + key + "\r\n"), expected) << key;
  }
  EXPECT_EQ(upgrade_status(v13), 400);  // no key
  RawConn c(port());
  c.send(
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  auto reply = c.read_http(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 426);
  EXPECT_EQ(reply->header("sec-websocket-version"), "13");
}

TEST_F(SecurityWsTest, OriginMustBeTheServersOwn) {
  const std::string base =
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  EXPECT_EQ(upgrade_status(base + "Origin: http://127.0.0.1\r\n"), 101);
  EXPECT_EQ(upgrade_status(base + "Origin: http://evil.example\r\n"), 403);
  EXPECT_EQ(upgrade_status(base + "Origin: null\r\n"), 403);
}

TEST_F(SecurityWsTest, InvalidCloseCodesAreAnsweredWith1002) {
  for (int code : {65535, 5000, 1005, 1006, 1015, 999, 2000}) {
    RawConn c(port());
    ASSERT_TRUE(c.upgrade());
    std::string payload = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
    c.send_frame(8, payload);
    EXPECT_EQ(c.read_close_code(5s), 1002) << code;
  }
  RawConn one_byte(port());
  ASSERT_TRUE(one_byte.upgrade());
  one_byte.send_frame(8, "x");
  EXPECT_EQ(one_byte.read_close_code(5s), 1002);
  RawConn good(port());
  ASSERT_TRUE(good.upgrade());
  good.send_frame(8, std::string("\x0f\xa0", 2));  // 4000
  EXPECT_EQ(good.read_close_code(5s), 4000);
}

TEST_F(SecurityWsTest, AFrameHeaderOverTheLimitClosesWith1009AtOnce) {
  for (std::uint64_t declared : {std::uint64_t{65 * 1024}, std::uint64_t{200 * 1024},
                                 std::uint64_t{2} << 20, std::uint64_t{1} << 40}) {
    RawConn c(port());
    ASSERT_TRUE(c.upgrade());
    c.send(std::string());
    ASSERT_TRUE(c.send_frame_header(1, declared));
    c.send(std::string(100, '\xff'));  // not UTF-8 either: the size is what is refused
    EXPECT_EQ(c.read_close_code(5s), 1009) << declared;
  }
}

TEST_F(SecurityWsTest, HelloThatCannotBeReadClosesWith4401) {
  for (const std::string& text :
       {std::string(R"({"type":"hello","token":"\ud800"})"), std::string("not json"),
        std::string(R"({"type":"hello","token":"tok-porteur"})") + std::string("\0", 1),
        std::string(R"({"token":"tok-porteur"})")}) {
    RawConn c(port());
    ASSERT_TRUE(c.upgrade());
    c.send_frame(1, text);
    auto error = c.read_frame(5s);
    EXPECT_EQ(error.opcode, 1) << text;
    EXPECT_EQ(c.read_close_code(5s), 4401) << text;
  }
  RawConn binary(port());
  ASSERT_TRUE(binary.upgrade());
  binary.send_frame(2, hello_json(token("porteur")));
  EXPECT_EQ(binary.read_close_code(5s), 4401);
}

TEST_F(SecurityWsTest, ASilentSocketIsClosedAfterTheHelloDeadline) {
  RawConn c(port());
  ASSERT_TRUE(c.upgrade());
  EXPECT_EQ(c.read_close_code(10s), 4401);
  RawConn partial(port());  // half a frame, then nothing
  ASSERT_TRUE(partial.upgrade());
  partial.send_frame_header(1, 100);
  partial.send("{\"type\":");
  EXPECT_EQ(partial.read_close_code(10s), 4401);
  auto scrape = get(port(), "/metrics");
  EXPECT_NE(scrape.text.find("grappe_hello_timeouts_total 2"), std::string::npos);
}

TEST_F(SecurityWsTest, AGoodHelloIsServedAndTheDeadlineNoLongerApplies) {
  RawConn c(port());
  ASSERT_TRUE(c.upgrade());
  c.send_frame(1, hello_json(token("porteur")));
  auto welcome = c.read_frame(5s);
  EXPECT_NE(welcome.payload.find("\"welcome\""), std::string::npos);
  // A silent connection opened after `c`: once it is closed for its missing hello, `c`'s own
  // hello deadline has passed too.
  RawConn witness(port());
  ASSERT_TRUE(witness.upgrade());
  ASSERT_EQ(witness.read_close_code(10s), 4401);
  c.send_frame(1, R"({"type":"ping"})");
  EXPECT_NE(c.read_frame(5s).payload.find("pong"), std::string::npos);
  auto scrape = get(port(), "/metrics");
  EXPECT_NE(scrape.text.find("grappe_hello_timeouts_total 1"), std::string::npos);
}

}  // namespace
}  // namespace grappe::test
