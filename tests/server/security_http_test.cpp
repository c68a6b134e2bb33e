// PROTOCOL.md v2 "Security and limits", HTTP side, on the real binary with hand-made requests:
// nothing outside the web root, the headers of every answer, strict command bodies.
#include <gtest/gtest.h>

#include "raw_client.h"
#include "support.h"

namespace grappe::test {
namespace {

class SecurityHttpTest : public ::testing::Test {
 protected:
  Server server_;
  unsigned short port() const { return server_.port(); }
  RawConn::HttpReply request(const std::string& target, const std::string& headers = "") {
    RawConn c(port());
    c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
           "\r\n");
    auto reply = c.read_http();
    EXPECT_TRUE(reply) << target;
    return reply.value_or(RawConn::HttpReply{});
  }
};

TEST_F(SecurityHttpTest, NoPathTrickServesAFileOutsideTheWebRoot) {
  for (const char* target :
       {"//etc/passwd", "///etc///passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2fetc%2fpasswd",
        "/..\\..\\etc\\passwd", "/%5c..%5c..%5cetc%5cpasswd", "/index.html%00/etc/passwd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/%c0%af%c0%afetc%c0%afpasswd",
        "/%252e%252e/etc/passwd", "/./.././etc/passwd", "//proc/self/environ",
        "/lib/../../../etc/passwd", "/.git/config"}) {
    auto reply = request(target);
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_EQ(reply.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(reply.body.find("PATH="), std::string::npos) << target;
  }
  // The data folder is never reachable either.
  auto data = server_.data().string();
  EXPECT_EQ(request("/" + data + "/CURRENT").status, 404);
  EXPECT_EQ(request("/" + data + "/../" + server_.data().filename().string()).status, 404);
}

TEST_F(SecurityHttpTest, EveryAnswerCarriesTheSecurityHeaders) {
  auto page = request("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
  auto csp = page.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  for (const char* target : {"/main.js", "/nope.js", "/healthz", "/api/me", "/api/grappes/x"}) {
    auto reply = request(target);
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(reply.header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(reply.header("content-security-policy"), "") << target;
  }
}

TEST_F(SecurityHttpTest, FilesHaveAStrongETagAndAGzipForm) {
  auto first = request("/main.js");
  ASSERT_EQ(first.status, 200);
  auto etag = first.header("etag");
  ASSERT_EQ(etag.size(), 34u);
  EXPECT_EQ(etag.front(), '"');
  auto again = request("/main.js", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(request("/main.js", "If-None-Match: \"other\"\r\n").status, 200);
  auto zipped = request("/main.js", "Accept-Encoding: gzip, br\r\n");
  EXPECT_EQ(zipped.header("content-encoding"), "gzip");
  EXPECT_LT(zipped.body.size(), first.body.size());
  EXPECT_EQ(zipped.body.substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(request("/main.js", "Accept-Encoding: gzip;q=0\r\n").header("content-encoding"), "");
}

TEST_F(SecurityHttpTest, ACommandBodyWithBytesAfterTheJsonIsRefused) {
  auto grappe = create_grappe(port());
  auto body = json{{"id", new_id()}, {"name", "PostComment"}, {"payload", {{"text", "x"}}}}.dump();
  for (const std::string& tail :
       {std::string("\0", 1), std::string("\0garbage", 8), std::string(" {}"), std::string("x")}) {
    auto answer = http(port(), boost::beast::http::verb::post,
                       "/api/grappes/" + grappe + "/commands", token("porteur"), body + tail);
    EXPECT_EQ(answer.status, 400) << answer.text;
  }
  auto state = get(port(), "/api/grappes/" + grappe, token("porteur"));
  EXPECT_EQ(state.body["version"], 1);  // nothing was appended
}

}  // namespace
}  // namespace grappe::test
