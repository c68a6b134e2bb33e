// Receipts built from a real store and checked by the verifier; each tampering is refused.
#include "grappe/tlog/receipt.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "grappe/eventstore/store.h"
#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"

namespace grappe::tlog {
namespace {

class ReceiptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("receipt-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*es::Store::open(dir_));
    for (int i = 0; i < 40; ++i) {
      es::AppendRequest req;
      req.command_id = "cmd-" + std::to_string(i);
      es::NewEvent e{"",
                     i % 2 ? "InvitationAccepted" : "CommentAdded",
                     "{\"n\":" + std::to_string(i) + "}",
                     {"u1", "Élise"}};
      req.parts.push_back({i % 3 ? "grappe-g1" : "grappe-g2", std::nullopt, {e}});
      ASSERT_TRUE(store_->append_sync(req));
    }
    key_ = std::move(*SigningKey::generate("grappe/test", kNoteKey));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The receipt of version `version` of grappe g1, as the server builds it.
  nlohmann::json receipt(std::uint64_t version) {
    auto records = *store_->read_stream("grappe-g1", version - 1, 1, es::Direction::kForward);
    const auto& r = records.at(0);
    const auto size = store_->last_position();
    auto note = sign_note(key_, checkpoint_text("grappe/test", size, *store_->tree_root(size)));
    nlohmann::json proof = nlohmann::json::array();
    const auto hashes = *store_->inclusion_proof(r.position - 1, size);
    for (const auto& h : hashes) proof.push_back(base64(h));
    auto bytes = *store_->record_bytes(r.position);
    return {{"grappe", "g1"},
            {"version", r.version},
            {"position", r.position},
            {"event",
             {{"version", r.version},
              {"position", r.position},
              {"type", r.type},
              {"data", nlohmann::json::parse(r.data)},
              {"actor", {{"id", r.actor.id}, {"name", r.actor.name}}},
              {"commandId", r.command_id}}},
            {"record", base64(bytes)},
            {"leafHash", base64(sha256(std::string(1, '\0') + bytes))},
            {"checkpoint", note},
            {"proof", proof}};
  }

  std::filesystem::path dir_;
  std::unique_ptr<es::Store> store_;
  SigningKey key_ = *SigningKey::generate("x", kNoteKey);
};

TEST_F(ReceiptTest, AGenuineReceiptIsProven) {
  for (std::uint64_t v = 1; v <= 26; ++v) {
    auto check = check_receipt(receipt(v), key_.verifier());
    ASSERT_TRUE(check.ok) << v << ": " << check.message;
    EXPECT_EQ(check.version, v);
  }
}

TEST_F(ReceiptTest, EveryTamperingIsRefused) {
  const auto genuine = receipt(5);
  auto refused = [&](const std::function<void(nlohmann::json&)>& edit, const std::string& why) {
    auto r = genuine;
    edit(r);
    auto check = check_receipt(r, key_.verifier());
    EXPECT_FALSE(check.ok) << why;
    EXPECT_FALSE(check.message.empty());
  };
  refused([](auto& r) { r["event"]["data"]["n"] = 99; }, "event data");
  refused([](auto& r) { r["event"]["type"] = "InvitationDeclined"; }, "event type");
  refused([](auto& r) { r["event"]["actor"]["name"] = "Quelqu'un d'autre"; }, "actor name");
  refused([](auto& r) { r["event"]["at"] = "2020-01-01T00:00:00.000Z"; }, "time");
  refused([](auto& r) { r["version"] = "5"; }, "a field of the wrong type");
  refused([](auto& r) { r["event"]["actor"] = 3; }, "actor of the wrong type");
  refused([](auto& r) { r["version"] = 6; }, "version");
  refused([](auto& r) { r["position"] = r["position"].template get<int>() + 1; }, "position");
  refused(
      [](auto& r) {
        auto bytes = *unbase64(r["record"].template get<std::string>());
        bytes[bytes.size() - 3] ^= 1;
        r["record"] = base64(bytes);
      },
      "record");
  refused(
      [](auto& r) {
        auto bytes = *unbase64(r["record"].template get<std::string>());
        bytes[bytes.size() - 3] ^= 1;
        r["record"] = base64(bytes);
        r["leafHash"] = base64(sha256(std::string(1, '\0') + bytes));
      },
      "record and leaf hash");
  refused(
      [](auto& r) {
        auto h = *unbase64(r["proof"][0].template get<std::string>());
        h[0] ^= 1;
        r["proof"][0] = base64(h);
      },
      "proof");
  refused([](auto& r) { r["proof"].erase(0); }, "short proof");
  refused(
      [](auto& r) {
        auto note = r["checkpoint"].template get<std::string>();
        note[note.find('\n') + 1] = '9';  // the size
        r["checkpoint"] = note;
      },
      "checkpoint");
  auto forger = *SigningKey::generate("grappe/test", kNoteKey);
  refused(
      [&](auto& r) {
        auto text = *parse_note(r["checkpoint"].template get<std::string>());
        r["checkpoint"] = sign_note(forger, text.text);
      },
      "checkpoint signed by another key");
  refused([](auto& r) { r.erase("proof"); }, "no proof");
  EXPECT_FALSE(check_receipt(nlohmann::json("x"), key_.verifier()).ok);
}

}  // namespace
}  // namespace grappe::tlog
