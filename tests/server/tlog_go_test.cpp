// The verifiable log checked by someone else's code (issue 19, item 7): after random appends over
// WebSocket, tlogcheck (tests/tlog_go, Go's golang.org/x/mod/sumdb/note and sumdb/tlog) verifies
// the server's signed checkpoints, tiles, inclusion and consistency proofs and receipts.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <iterator>
#include <random>

#include "support.h"
#include "support/process.h"

#ifndef GRAPPE_TLOGCHECK_BIN
#define GRAPPE_TLOGCHECK_BIN ""  // tests/tlog_go/CMakeLists.txt not part of the build
#endif

namespace grappe::test {
namespace {

namespace fs = std::filesystem;

// Establishments of the partner's organisation (kOgPartner), one invited into each grappe.
const char* const kPartnerEts[] = {"640010179", "640010344", "640010518", "640010682",
                                   "640010856", "640011029", "640011193", "400010179"};

// Sends command `name` for `grappe` over `ws`; its ack or rejected message.
json send_command(Ws& ws, const std::string& grappe, const std::string& name, const json& payload) {
  auto id = new_id();
  ws.send(
      {{"type", "command"}, {"id", id}, {"grappe", grappe}, {"name", name}, {"payload", payload}});
  return ws.answer(id);
}

// The log's last position (GET /healthz).
std::uint64_t log_position(unsigned short port) {
  auto health = get(port, "/healthz");
  return health.status == 200 ? health.body.value("position", std::uint64_t{0}) : 0;
}

// The size the latest checkpoint signs (the second line of GET /checkpoint); 0 when there is none.
std::uint64_t checkpoint_size(unsigned short port) {
  auto answer = get(port, "/checkpoint");
  auto first = answer.text.find('\n');
  auto second = first == std::string::npos ? first : answer.text.find('\n', first + 1);
  std::uint64_t size = 0;
  if (answer.status != 200 || second == std::string::npos) return 0;
  std::from_chars(answer.text.data() + first + 1, answer.text.data() + second, size);
  return size;
}

// Waits (≤ 30 s) until the latest checkpoint covers the whole log, which a server signs within
// --checkpoint-interval (default 1 s) of its last append; returns its size.
std::uint64_t wait_checkpoint_of_whole_log(unsigned short port) {
  std::uint64_t size = 0, position = 0;
  EXPECT_TRUE(wait_until(
      [&] {
        size = checkpoint_size(port);
        position = log_position(port);
        return size > 0 && size == position;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(50)))
      << "no checkpoint of the log's size " << position << " within 30 s; the latest has size "
      << size;
  return size;
}

// `count` acknowledged commands, random among comments, detail updates, validations and
// invitations (accepted or declined by the partner) in random grappes of `grappes`.
void random_appends(Ws& porteur, Ws& partner, const std::vector<std::string>& grappes,
                    std::mt19937& rng, int count, std::size_t& next_et) {
  int acked = 0;
  for (int attempt = 0; acked < count && attempt < count * 3; ++attempt) {
    const auto& g = grappes[rng() % grappes.size()];
    const auto kind = rng() % 10;
    json answer;
    if (kind < 6) {
      answer = send_command(porteur, g, "PostComment",
                            {{"text", "Commentaire " + std::to_string(rng())}});
    } else if (kind == 6) {
      answer = send_command(porteur, g, "UpdateDetails",
                            {{"description", "Description " + std::to_string(rng())}});
    } else if (kind == 7) {
      answer = send_command(porteur, g, "RequestValidation", json::object());
    } else if (next_et < std::size(kPartnerEts)) {
      std::string et = kPartnerEts[next_et++];
      answer = send_command(porteur, g, "InviteEstablishment", {{"finess", et}});
      if (answer["type"] == "ack") {
        ++acked;
        answer = rng() % 2 ? send_command(partner, g, "AcceptInvitation", {{"finess", et}})
                           : send_command(partner, g, "DeclineInvitation",
                                          {{"finess", et}, {"reason", "Pas cette fois"}});
      }
    } else {
      continue;
    }
    if (answer["type"] == "ack") ++acked;
  }
  EXPECT_GE(acked, count) << "too many commands rejected";
}

TEST(TlogGo, GoCheckerVerifiesCheckpointsTilesProofsAndReceiptsAfterRandomAppends) {
  const fs::path checker = GRAPPE_TLOGCHECK_BIN;
  if (checker.empty() || !fs::exists(checker)) {
    GTEST_SKIP() << "tlogcheck (Go) was not built: install golang-go and "
                    "golang-golang-x-mod-dev, then reconfigure (./tools/test does both)";
  }
  const auto seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed));
  std::mt19937 rng(seed);

  Server server;
  const auto port = server.port();
  Ws porteur(port), partner(port);
  porteur.hello(token("porteur"));
  partner.hello(token("partner"));
  std::vector<std::string> grappes;
  for (int i = 0; i < 4; ++i) {
    grappes.push_back(new_id());
    auto created = send_command(porteur, grappes.back(), "CreateGrappe",
                                {{"name", "Grappe " + std::to_string(i)},
                                 {"call", "default"},
                                 {"region", "75"},
                                 {"porteur", kOgPorteur}});
    ASSERT_EQ(created["type"], "ack") << created.dump();
  }
  std::size_t next_et = 0;
  // A first part of the log, whose checkpoint the checker fetches again by its size (-old-size)
  // and proves consistent with the last one.
  random_appends(porteur, partner, grappes, rng, 40 + static_cast<int>(rng() % 40), next_et);
  const auto old_size = wait_checkpoint_of_whole_log(port);
  random_appends(porteur, partner, grappes, rng, 250 + static_cast<int>(rng() % 150), next_et);
  const auto size = wait_checkpoint_of_whole_log(port);
  ASSERT_GT(size, old_size);

  auto key = get(port, "/api/log/key");
  ASSERT_EQ(key.status, 200) << key.text;
  std::string ids;
  for (const auto& g : grappes) ids += (ids.empty() ? "" : ",") + g;
  const std::string verifier_key = key.body.value("verifierKey", "");
  auto check = [&](const std::string& with_key) {
    return run_program(
        checker,
        {"-url", "http://127.0.0.1:" + std::to_string(port), "-key", with_key, "-token",
         token("auditor"), "-grappes", ids, "-old-size", std::to_string(old_size)},
        {.limit = std::chrono::seconds(120)});
  };
  auto run = check(verifier_key);
  EXPECT_EQ(run.status, 0) << "tlogcheck on a log of " << size << " events:\n"
                           << run.out << run.err;
  EXPECT_NE(run.out.find("every check passed"), std::string::npos) << run.out;

  // The same checker refuses the log under another key: its exit status 0 above means something.
  std::string other_key = verifier_key;
  if (!other_key.empty()) other_key.back() = other_key.back() == 'A' ? 'B' : 'A';
  auto refused = check(other_key);
  EXPECT_EQ(refused.status, 1) << refused.out << refused.err;
}

}  // namespace
}  // namespace grappe::test
