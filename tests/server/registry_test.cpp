// The registry through the real server (PROTOCOL.md v2, "Registry"): what GET /api/registry
// says, an admin's upload swapped in while commands go on, a file that cannot be read refused
// with why while the old registry stays, and validations naming the registry they used.
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "raw_client.h"
#include "support.h"

namespace grappe::test {
namespace {

using boost::beast::http::verb;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string& sample() {
  static const std::string bytes = read_bytes(GRAPPE_FINESS_PLUS_SAMPLE);
  return bytes;
}

HttpAnswer upload(unsigned short port, const std::string& body, const std::string& who = "admin") {
  return http(port, verb::post, "/api/admin/registry", token(who), body);
}

std::string validation_registry(unsigned short port, const std::string& grappe) {
  auto a = command(port, token("porteur"), grappe, "RequestValidation", json::object());
  EXPECT_EQ(a.status, 200) << a.text;
  auto events = get(port, "/api/grappes/" + grappe + "/events", token("porteur")).body;
  for (auto it = events["events"].rbegin(); it != events["events"].rend(); ++it) {
    if ((*it)["type"] == "ValidationCompleted") return (*it)["data"]["registry"];
  }
  ADD_FAILURE() << "no ValidationCompleted in " << events.dump();
  return {};
}

TEST(RegistryTest, TheDemoRegistryIsDescribed) {
  Server server;
  EXPECT_EQ(get(server.port(), "/api/registry").status, 401);
  auto r = get(server.port(), "/api/registry", token("partner"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["source"], "demo");
  EXPECT_EQ(r.body["establishments"], 59);
  EXPECT_EQ(r.body["closed"], 0);
  EXPECT_EQ(r.body["sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(r.body["loadedAt"].get<std::string>().empty());
  EXPECT_TRUE(r.body["generatedAt"].is_null());
}

TEST(RegistryTest, OnlyAnAdminUploads) {
  Server server;
  EXPECT_EQ(upload(server.port(), sample(), "porteur").status, 403);
  EXPECT_EQ(http(server.port(), verb::post, "/api/admin/registry", "", sample()).status, 401);
  EXPECT_EQ(get(server.port(), "/api/admin/registry", token("porteur")).status, 403);
  EXPECT_EQ(get(server.port(), "/api/registry", token("admin")).body["source"], "demo");
}

TEST(RegistryTest, AnUploadIsSwappedInAndValidationsKeepTheirOwnLabel) {
  Server server;
  auto port = server.port();
  auto grappe = create_grappe(port);
  const auto before = validation_registry(port, grappe);
  const auto demo = get(port, "/api/registry", token("admin")).body;
  EXPECT_EQ(before, demo["label"]);
  EXPECT_TRUE(before.starts_with("demo ")) << before;

  // Commands go on while the file is received and read: none waits for the parse.
  std::atomic<bool> done{false};
  std::atomic<int> acked{0}, other{0};
  std::thread commands([&] {
    while (!done) {
      auto a = command(port, token("porteur"), grappe, "PostComment", {{"text", "pendant"}});
      (a.status == 200 ? acked : other)++;
    }
  });
  auto answer = upload(port, sample());
  done = true;
  commands.join();
  ASSERT_EQ(answer.status, 202) << answer.text;
  EXPECT_GT(acked.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(answer.body["load"]["state"], "done");

  auto now = get(port, "/api/registry", token("partner")).body;
  EXPECT_EQ(now["source"], "finess-plus");
  EXPECT_EQ(now["establishments"], 1753);
  EXPECT_EQ(now["generatedAt"], "2026-08-13T02:07:30.574916747Z");
  EXPECT_EQ(now["sha256"], "2a5dd226a8c15aeede55c98b0285f536d5475639cbeb4f3fdfb1596e74ad70d7");
  EXPECT_EQ(now["label"], "finess-plus 2026-08-13T02:07:30.574916747Z 2a5dd226a8c1");
  EXPECT_GT(now["closed"].get<int>(), 0);
  // A real establishment of the Ain is now found; the demo's are gone.
  auto convert = get(port, "/api/establishments/010780195", token("partner"));
  ASSERT_EQ(convert.status, 200) << convert.text;
  EXPECT_EQ(convert.body["name"], "CLINIQUE DOCTEUR CONVERT");
  EXPECT_EQ(convert.body["ejName"], "CLINIQUE CONVERT");
  EXPECT_EQ(convert.body["departement"], "01");
  EXPECT_TRUE(convert.body.contains("closedOn"));
  EXPECT_EQ(get(port, "/api/establishments/" + std::string(kEtPorteur), token("partner")).status,
            404);

  const auto after = validation_registry(port, grappe);
  EXPECT_EQ(after, now["label"]);
  // The first validation still names the registry it used: history is not rewritten.
  auto events = get(port, "/api/grappes/" + grappe + "/events", token("porteur")).body["events"];
  std::vector<std::string> labels;
  for (const auto& e : events)
    if (e["type"] == "ValidationCompleted") labels.push_back(e["data"]["registry"]);
  EXPECT_EQ(labels, (std::vector<std::string>{before, after}));

  auto status = get(port, "/api/admin/registry", token("admin")).body;
  EXPECT_EQ(status["load"]["state"], "done");
  EXPECT_EQ(status["load"]["progress"], 1.0);
  EXPECT_EQ(status["load"]["receivedBytes"], sample().size());
  auto metrics = get(port, "/metrics", token("admin")).text;
  EXPECT_NE(metrics.find("grappe_registry_establishments 1753"), std::string::npos);
  EXPECT_NE(metrics.find("grappe_registry_loads_total{result=\"ok\"} 1"), std::string::npos);
}

TEST(RegistryTest, AFileOverTheOrdinaryBodyLimitIsUploaded) {
  // The sample's JSON text (3.6 MB, plain): above the 1 MiB of ordinary requests.
  gzFile in = gzopen(GRAPPE_FINESS_PLUS_SAMPLE, "rb");
  ASSERT_NE(in, nullptr);
  std::string text;
  char buf[1 << 16];
  for (int n; (n = gzread(in, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  gzclose(in);
  ASSERT_GT(text.size(), std::size_t{2} << 20);
  Server server;
  auto answer = upload(server.port(), text);
  ASSERT_EQ(answer.status, 202) << answer.text;
  EXPECT_EQ(answer.body["current"]["establishments"], 1753);
  EXPECT_EQ(answer.body["load"]["receivedBytes"], text.size());
  // Another request's body is still held to 1 MiB.
  auto big = http(server.port(), verb::put, "/api/admin/users/someone", token("admin"),
                  std::string(std::size_t{2} << 20, ' '));
  EXPECT_EQ(big.status, 413);
}

TEST(RegistryTest, AnEmptyUploadIsRefused) {
  Server server;
  RawConn conn(server.port());
  ASSERT_TRUE(conn.send("POST /api/admin/registry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        token("admin") + "\r\nContent-Length: 0\r\n\r\n"));
  auto reply = conn.read_http();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->body.find("corps vide"), std::string::npos) << reply->body;
  EXPECT_EQ(get(server.port(), "/api/admin/registry", token("admin")).body["load"]["state"],
            "idle");
}

TEST(RegistryTest, AFileLeftByAnUnfinishedUploadIsRemovedAtStart) {
  TempDir dir;
  const auto data = dir.path / "data";
  { Server first({}, data); }
  const auto left = data / "registry-upload-AbC123";
  std::ofstream(left) << "{\"pmej\": [";
  Server again({}, data);
  EXPECT_FALSE(std::filesystem::exists(left));
}

TEST(RegistryTest, AFileThatCannotBeReadIsRefusedAndTheOldRegistryStays) {
  Server server;
  auto port = server.port();
  auto truncated = upload(port, sample().substr(0, sample().size() / 3));
  EXPECT_EQ(truncated.status, 400) << truncated.text;
  EXPECT_NE(truncated.body["error"]["message"].get<std::string>().find("tronqu"), std::string::npos)
      << truncated.text;
  auto other_shape = upload(port, R"({"structures": [1, 2, 3]})");
  EXPECT_EQ(other_shape.status, 400) << other_shape.text;
  auto csv = upload(port, "finess,ej,name\n123,456,x\n");
  EXPECT_EQ(csv.status, 400) << csv.text;
  EXPECT_EQ(csv.body["error"]["message"].get<std::string>().find("registry-upload"),
            std::string::npos)
      << "the temporary file's name is not shown: " << csv.text;
  EXPECT_EQ(get(port, "/api/registry", token("admin")).body["source"], "demo");
  auto status = get(port, "/api/admin/registry", token("admin")).body["load"];
  EXPECT_EQ(status["state"], "failed");
  EXPECT_FALSE(status["error"].is_null());
  // Nothing is left behind in the data folder.
  for (const auto& entry : std::filesystem::directory_iterator(server.data()))
    EXPECT_EQ(entry.path().filename().string().find("registry-upload"), std::string::npos);
}

TEST(RegistryTest, AClientThatAsksBeforeSendingIsToldToGoOn) {
  Server server;
  RawConn conn(server.port());
  ASSERT_TRUE(conn.send("POST /api/admin/registry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        token("admin") + "\r\nExpect: 100-continue\r\nContent-Length: " +
                        std::to_string(sample().size()) + "\r\n\r\n"));
  const auto interim = conn.read_all(std::chrono::milliseconds(500));
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue\r\n")) << interim;
  ASSERT_TRUE(conn.send(sample()));
  auto reply = conn.read_http();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202) << reply->body;
  EXPECT_EQ(get(server.port(), "/api/registry", token("admin")).body["source"], "finess-plus");
}

TEST(RegistryTest, AnUploadOverTheLimitIsRefused) {
  Server server;
  {  // Announced: refused before a byte of its body is read.
    RawConn conn(server.port());
    ASSERT_TRUE(conn.send(
        "POST /api/admin/registry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("admin") +
        "\r\nContent-Length: " + std::to_string((std::uint64_t{2} << 30) + 1) + "\r\n\r\n"));
    auto reply = conn.read_http();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_NE(reply->body.find("too_large"), std::string::npos) << reply->body;
  }
  {  // Chunked, without a length: cut off at the limit (here: refused once its first bytes are
     // not followed by the rest, as the connection ends).
    RawConn conn(server.port());
    ASSERT_TRUE(conn.send("POST /api/admin/registry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          token("admin") +
                          "\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n"));
  }
  EXPECT_TRUE(wait_until(
      [&] {
        return get(server.port(), "/api/admin/registry", token("admin")).body["load"]["state"] ==
               "failed";
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(get(server.port(), "/api/registry", token("admin")).body["source"], "demo");
}

}  // namespace
}  // namespace grappe::test
