// The web client's file table and the request-path resolver (static_files.h), and the pure
// handshake checks (handshake.h): no socket.
#include "static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "handshake.h"
#include "support.h"

namespace grappe::server {
namespace {

namespace fs = std::filesystem;

TEST(StaticKey, NamesFilesOfTheTable) {
  EXPECT_EQ(static_key("/"), "index.html");
  EXPECT_EQ(static_key("/index.html"), "index.html");
  EXPECT_EQ(static_key("/lib/dom.js?v=3"), "lib/dom.js");
  EXPECT_EQ(static_key("//lib//./dom.js"), "lib/dom.js");
  EXPECT_EQ(static_key("/views/"), "views/index.html");
  EXPECT_EQ(static_key("/caf%C3%A9.js"), "café.js");
  EXPECT_EQ(static_key("/a+b.js"), "a+b.js");
}

TEST(StaticKey, RefusesEveryWayOutAndEveryBadEncoding) {
  for (const char* path : {"/..",
                           "/../etc/passwd",
                           "/lib/../../etc/passwd",
                           "/%2e%2e/etc/passwd",
                           "/%2E%2E%2Fetc",
                           "/..%2fetc%2fpasswd",
                           "/lib%5c..%5c..%5cetc",
                           "/lib\\..\\etc",
                           "/index.html%00.js",
                           "/a%0ab",
                           "/%c0%ae%c0%ae/etc/passwd",
                           "/%e0%80%ae",
                           "/%ff",
                           "/%ed%a0%80",
                           "/%",
                           "/%2",
                           "/%zz",
                           "/.git/config",
                           "/.env",
                           "/C:/Windows",
                           "/\x01"}) {
    EXPECT_EQ(static_key(path), std::nullopt) << path;
  }
  EXPECT_EQ(static_key("/" + std::string(600, 'a')), std::nullopt);
  // Absolute-looking paths name keys inside the table, never a disk path.
  EXPECT_EQ(static_key("//etc/passwd"), "etc/passwd");
  EXPECT_EQ(static_key("///etc///passwd"), "etc/passwd");
  EXPECT_EQ(static_key("/%2fetc%2fpasswd"), "etc/passwd");
  EXPECT_EQ(static_key("/%252e%252e/x"), "%2e%2e/x");  // decoded once only
}

class StaticFilesTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  fs::path root() const { return dir_.path / "web"; }
  void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }
};

TEST_F(StaticFilesTest, ReadsTheFilesOnceAndNeverServesALinkLeadingOut) {
  write(root() / "index.html", "<!doctype html><title>x</title>");
  write(root() / "lib" / "dom.js", std::string(4000, 'a'));
  write(dir_.path / "secret.txt", "root:x:0:0");
  write(root() / ".hidden", "no");
  fs::create_symlink(dir_.path / "secret.txt", root() / "leak.txt");
  fs::create_directories(dir_.path / "outside");
  write(dir_.path / "outside" / "x.js", "outside");
  fs::create_directory_symlink(dir_.path / "outside", root() / "out");
  fs::create_symlink(root() / "index.html", root() / "home.html");  // inside: allowed
  auto table = StaticFiles::load(root());
  EXPECT_EQ(table.size(), 3u);
  ASSERT_NE(table.find("index.html"), nullptr);
  EXPECT_EQ(table.find("index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_NE(table.find("home.html"), nullptr);
  EXPECT_EQ(table.find("leak.txt"), nullptr);
  EXPECT_EQ(table.find("out/x.js"), nullptr);
  EXPECT_EQ(table.find(".hidden"), nullptr);
  const auto* js = table.find("lib/dom.js");
  ASSERT_NE(js, nullptr);
  EXPECT_FALSE(js->gzip.empty());
  EXPECT_LT(js->gzip.size(), js->body.size());
  EXPECT_EQ(js->etag.size(), 34u);
  // The table does not follow the disk afterwards.
  write(root() / "new.js", "late");
  EXPECT_EQ(table.find("new.js"), nullptr);
}

TEST_F(StaticFilesTest, IndexPreloadsEveryModuleOfTheTable) {
  write(root() / "index.html", "<head>\n  <!-- modulepreload -->\n</head>");
  write(root() / "main.js", "import './views/b.js';");
  write(root() / "views" / "b.js", "import '../lib/a.js';");
  write(root() / "lib" / "a.js", "");
  write(root() / "style.css", "");
  auto table = StaticFiles::load(root());
  const auto* index = table.find("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->body,
            "<head>\n"
            "  <link rel=\"modulepreload\" href=\"./lib/a.js\">\n"
            "  <link rel=\"modulepreload\" href=\"./main.js\">\n"
            "  <link rel=\"modulepreload\" href=\"./views/b.js\">\n"
            "</head>");
  StaticFiles by_hand;
  by_hand.add("index.html", index->body);
  EXPECT_EQ(index->etag, by_hand.find("index.html")->etag);  // of what is served
}

TEST_F(StaticFilesTest, AnIndexWithoutTheMarkerIsServedAsWritten) {
  write(root() / "index.html", "<head></head>");
  write(root() / "main.js", "");
  EXPECT_EQ(StaticFiles::load(root()).find("index.html")->body, "<head></head>");
}

TEST_F(StaticFilesTest, AMissingRootIsAnError) {
  EXPECT_THROW(StaticFiles::load(dir_.path / "none"), std::runtime_error);
}

TEST(HeaderValues, AcceptEncodingAndIfNoneMatch) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
}

TEST(Handshake, KeyIsTheBase64OfSixteenBytes) {
  EXPECT_TRUE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));
  for (const char* bad :
       {"", "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===",
        "dGhlIHNhbXBsZSBub25j*Q==", "dGhlIHNhbXBsZSBub25jZWVl", "dGhlIHNhbXBsZSBub25jZQ== "}) {
    EXPECT_FALSE(valid_websocket_key(bad)) << bad;
  }
}

TEST(Handshake, OriginIsTheServersOwnOrAnAllowedOne) {
  std::vector<std::string> allowed = {"https://grappe.example.fr"};
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", {}));
  EXPECT_TRUE(origin_allowed("https://grappe.example.fr", "10.0.0.5:8080", allowed));
  EXPECT_TRUE(origin_allowed("HTTPS://Grappe.Example.fr", "x", allowed));
  EXPECT_FALSE(origin_allowed("http://evil.example", "127.0.0.1:8080", allowed));
  EXPECT_FALSE(origin_allowed("null", "127.0.0.1:8080", allowed));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:8080.evil", "127.0.0.1:8080", {}));
  EXPECT_FALSE(origin_allowed("", "", {}));
}

TEST(Handshake, CloseCodesAPeerMaySend) {
  for (int ok : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4401, 4999}) {
    EXPECT_TRUE(valid_close_code(static_cast<std::uint16_t>(ok))) << ok;
  }
  for (int bad : {0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_FALSE(valid_close_code(static_cast<std::uint16_t>(bad))) << bad;
  }
}

}  // namespace
}  // namespace grappe::server
