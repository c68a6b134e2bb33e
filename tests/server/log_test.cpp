// The verifiable log through the real server, admin tool and witness: read rights of proofs and
// receipts, receipts checked offline, a witness cosigning and refusing forks, and checkpoints
// consistent with the log after kill -9.
#include <gtest/gtest.h>

#include <fstream>

#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"
#include "support.h"
#include "support/process.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;
using boost::beast::http::verb;

std::string log_key(unsigned short port) {
  return get(port, "/api/log/key").body.at("verifierKey").get<std::string>();
}

// Waits until the latest checkpoint covers the whole log; returns its note.
std::string whole_log_checkpoint(unsigned short port) {
  std::string note;
  EXPECT_TRUE(wait_until(
      [&] {
        auto position = get(port, "/healthz").body.value("position", 0);
        note = get(port, "/checkpoint").text;
        auto c = tlog::parse_checkpoint(note.substr(0, note.find("\n\n") + 1));
        return c && c->size == static_cast<std::uint64_t>(position);
      },
      std::chrono::seconds(30)));
  return note;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

TEST(LogTest, ReadRightsOfProofsAndReceipts) {
  Server server;
  auto port = server.port();
  auto grappe = create_grappe(port);
  whole_log_checkpoint(port);
  auto own = get(port, "/api/grappes/" + grappe + "/receipt?version=1", token("porteur"));
  ASSERT_EQ(own.status, 200) << own.text;
  auto position = own.body.at("position").get<std::uint64_t>();
  auto size = std::to_string(own.body.at("size").get<std::uint64_t>());
  auto other = get(port, "/api/grappes/" + grappe + "/receipt?version=1", token("outsider"));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body["error"]["code"], "not_found");
  auto target = "/api/log/proof/inclusion?position=" + std::to_string(position) + "&size=" + size;
  EXPECT_EQ(get(port, target, token("outsider")).status, 404);
  EXPECT_EQ(get(port, target, token("porteur")).status, 200);
  EXPECT_EQ(get(port, target, token("auditor")).status, 200);
  EXPECT_EQ(get(port, target).status, 401);
  EXPECT_EQ(get(port, "/api/log/proof/consistency?from=1&to=" + size).status, 200);
  EXPECT_EQ(get(port, "/api/log/proof/consistency?from=0&to=" + size).status, 400);
  EXPECT_EQ(get(port, "/tile/0/000.p/1").status, 200);
  EXPECT_EQ(get(port, "/tile/entries/000.p/1").status, 404);
  EXPECT_EQ(get(port, "/tile/0/x000").status, 404);
  EXPECT_EQ(get(port, "/api/grappes/" + grappe + "/receipt?version=99", token("porteur")).status,
            404);
}

TEST(LogTest, ReceiptsAreCheckedOfflineByTheAdminTool) {
  Server server;
  auto port = server.port();
  auto grappe = create_grappe(port);
  auto receipt = get(port, "/api/grappes/" + grappe + "/receipt?version=1", token("porteur"));
  ASSERT_EQ(receipt.status, 200);
  TempDir dir;
  write(dir.path / "receipt.json", receipt.text);
  auto key = log_key(port);
  auto ok = run_program(GRAPPE_ADMIN_BIN,
                        {"verify-receipt", (dir.path / "receipt.json").string(), "--key", key});
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("valid: "), std::string::npos);
  auto forged = receipt.body;
  forged["event"]["data"]["name"] = "Autre nom";
  write(dir.path / "forged.json", forged.dump());
  auto bad = run_program(GRAPPE_ADMIN_BIN,
                         {"verify-receipt", (dir.path / "forged.json").string(), "--key", key});
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("INVALID"), std::string::npos);
  auto wrong = tlog::SigningKey::generate("grappe/other", tlog::kNoteKey)->verifier().text();
  EXPECT_EQ(run_program(GRAPPE_ADMIN_BIN,
                        {"verify-receipt", (dir.path / "receipt.json").string(), "--key", wrong})
                .status,
            1);
}

TEST(LogTest, AWitnessCosignsAndRefusesForks) {
  TempDir dir;
  const auto wkey = (dir.path / "w1.key").string();
  auto made =
      run_program(GRAPPE_WITNESS_BIN, {"--new-key", "witness.test/w1", "--witness-key", wkey});
  ASSERT_EQ(made.status, 0) << made.err;
  write(dir.path / "witnesses", made.out);
  Server server(
      {"--witness-key-file", (dir.path / "witnesses").string(), "--checkpoint-interval", "0.1"});
  auto port = server.port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  create_grappe(port);
  whole_log_checkpoint(port);
  std::vector<std::string> args = {"--log",         url,  "--key",   log_key(port),
                                   "--witness-key", wkey, "--state", (dir.path / "state").string(),
                                   "--once"};
  auto first = run_program(GRAPPE_WITNESS_BIN, args);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(get(port, "/checkpoint").text.find("— witness.test/w1 "), std::string::npos);
  create_grappe(port, "Deuxième");
  whole_log_checkpoint(port);
  auto second = run_program(GRAPPE_WITNESS_BIN, args);
  EXPECT_EQ(second.status, 0) << second.err;  // consistent with the first

  // A forked view: the log's own key signs another root for the size the witness saw last.
  auto log = *tlog::SigningKey::load((server.data() / "log-key").string());
  auto seen = tlog::open_checkpoint(get(port, "/checkpoint").text, log.verifier());
  ASSERT_TRUE(seen);
  for (auto [size, why] : {std::pair{seen->size, "fork"}, std::pair{seen->size + 100, "shrank"}}) {
    TempDir state;
    write(state.path / "checkpoint",
          tlog::sign_note(log, tlog::checkpoint_text(seen->origin, size, std::string(32, 'x'))));
    auto forked = args;
    forked[7] = state.path.string();
    auto refused = run_program(GRAPPE_WITNESS_BIN, forked);
    EXPECT_EQ(refused.status, 1) << why;
    EXPECT_NE(refused.err.find("REFUSES"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(why), std::string::npos) << refused.err;
    EXPECT_TRUE(fs::exists(state.path / "REFUSED"));
    EXPECT_EQ(run_program(GRAPPE_WITNESS_BIN, forked).status, 1);  // and stays refused
  }
}

TEST(LogTest, CheckpointsStayConsistentWithTheLogAfterKillNine) {
  TempDir dir;
  {
    Server server({"--checkpoint-interval", "0.05"}, dir.path / "data");
    for (int i = 0; i < 5; ++i) create_grappe(server.port(), "G" + std::to_string(i));
    whole_log_checkpoint(server.port());
    create_grappe(server.port(), "last");
    server.kill9();
  }
  auto verify = run_program(GRAPPE_ADMIN_BIN, {"verify", "--data", (dir.path / "data").string()});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("latest signed checkpoint"), std::string::npos) << verify.out;
  Server again({}, dir.path / "data");  // the same key, the tree goes on
  auto note = whole_log_checkpoint(again.port());
  EXPECT_TRUE(tlog::open_checkpoint(note, *tlog::parse_verifier_key(log_key(again.port()))));
}

}  // namespace
}  // namespace grappe::test
