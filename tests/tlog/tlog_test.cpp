// Notes, checkpoints and cosignatures against golang.org/x/mod's test vector; the RFC 9162
// verifier against the store's prover, for every leaf and pair of small trees, and tampering.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"
#include "grappe/tlog/proof.h"
#include "merkle.h"

namespace grappe::tlog {
namespace {

// golang.org/x/mod/sumdb/note's example_test.go.
constexpr const char* kGoSkey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr const char* kGoVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr const char* kGoNote =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(NoteTest, SignsAndVerifiesExactlyAsGoDoes) {
  auto key = SigningKey::parse(kGoSkey);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->verifier().text(), kGoVkey);
  EXPECT_EQ(key->private_text(), kGoSkey);
  EXPECT_EQ(sign_note(*key, kGoText), kGoNote);
  auto vkey = parse_verifier_key(kGoVkey);
  ASSERT_TRUE(vkey) << vkey.error();
  EXPECT_EQ(*open_note(kGoNote, *vkey), kGoText);
  std::string altered = kGoNote;
  altered[3] = 'X';
  EXPECT_FALSE(open_note(altered, *vkey));
  auto other = SigningKey::generate("PeterNeumann", kNoteKey);
  EXPECT_FALSE(open_note(kGoNote, other->verifier()));  // same name, other key id
  EXPECT_FALSE(
      parse_verifier_key("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(parse_verifier_key("no key"));
}

TEST(NoteTest, CheckpointsAndCosignatures) {
  auto log = SigningKey::generate("grappe/test", kNoteKey);
  auto witness = SigningKey::generate("witness.example/w1", kCosignKey);
  const std::string root(32, '\7');
  const auto body = checkpoint_text("grappe/test", 42, root);
  const auto note = sign_note(*log, body);
  auto c = open_checkpoint(note, log->verifier());
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->size, 42u);
  EXPECT_EQ(c->root, root);
  auto line = cosignature_line(*witness, body, 1700000000);
  EXPECT_EQ(*check_cosignature(line, body, witness->verifier()), 1700000000u);
  EXPECT_FALSE(
      check_cosignature(line, checkpoint_text("grappe/test", 43, root), witness->verifier()));
  EXPECT_FALSE(check_cosignature(line, body, log->verifier()));
  // A cosigned checkpoint still opens with the log's key.
  EXPECT_TRUE(open_checkpoint(note + line, log->verifier()));
  EXPECT_FALSE(parse_checkpoint("o\n042\nAAAA\n"));
  auto forged = SigningKey::generate("grappe/test", kNoteKey);
  EXPECT_FALSE(open_checkpoint(sign_note(*forged, body), log->verifier()));
}

class ProofTest : public ::testing::Test {
 protected:
  void grow(std::uint64_t n) {
    while (edge_.size() < n) {
      leaves_.push_back(rfc_leaf_hash("leaf " + std::to_string(edge_.size())));
      edge_.append(leaves_.back(), [&](unsigned h, std::uint64_t i, const std::string& x) {
        stored_[{h, i}] = x;
      });
    }
  }
  std::string root(std::uint64_t n) { return *es::detail::range_hash(0, n, read_); }
  std::vector<std::string> inclusion(std::uint64_t i, std::uint64_t n) {
    return *es::detail::inclusion_proof(i, n, read_);
  }
  std::vector<std::string> consistency(std::uint64_t m, std::uint64_t n) {
    return *es::detail::consistency_proof(m, n, read_);
  }

  std::map<std::pair<unsigned, std::uint64_t>, std::string> stored_;
  es::detail::HashReader read_ =
      [this](unsigned h, std::uint64_t i) -> std::expected<std::string, es::StoreError> {
    return stored_.at({h, i});
  };
  es::detail::TreeEdge edge_;
  std::vector<std::string> leaves_;
};

TEST_F(ProofTest, EveryInclusionProofUpTo1100LeavesVerifies) {
  for (std::uint64_t n = 1; n <= 1100; ++n) {
    grow(n);
    const auto r = root(n);
    for (std::uint64_t i = 0; i < n; i += (n > 300 ? 7 : 1)) {
      auto proof = inclusion(i, n);
      ASSERT_TRUE(verify_inclusion(i, n, leaves_[i], proof, r)) << i << " in " << n;
      if (i % 13 == 0) {
        // (A root and a size come together in a signed checkpoint: a proof may fit another size
        // with the same root, so only the leaf, its index and the proof are varied.)
        if (n > 1) {
          ASSERT_FALSE(verify_inclusion(i, n, leaves_[(i + 1) % n], proof, r));
          ASSERT_FALSE(verify_inclusion((i + 1) % n, n, leaves_[i], proof, r));
        }
        ASSERT_FALSE(verify_inclusion(n, n, leaves_[i], proof, r));
        if (!proof.empty()) {
          proof[proof.size() / 2][5] ^= 1;
          ASSERT_FALSE(verify_inclusion(i, n, leaves_[i], proof, r));
        }
      }
    }
  }
}

TEST_F(ProofTest, EveryConsistencyProofUpTo300Verifies) {
  grow(300);
  std::vector<std::string> roots(301);
  for (std::uint64_t n = 1; n <= 300; ++n) roots[n] = root(n);
  for (std::uint64_t n = 1; n <= 300; ++n) {
    for (std::uint64_t m = 1; m <= n; ++m) {
      auto proof = consistency(m, n);
      ASSERT_TRUE(verify_consistency(m, n, proof, roots[m], roots[n])) << m << " to " << n;
      if (m < n) {
        ASSERT_FALSE(verify_consistency(m, n, proof, roots[m == 1 ? 2 : m - 1], roots[n]));
        auto bad = proof;
        bad.back()[0] ^= 0x80;
        ASSERT_FALSE(verify_consistency(m, n, bad, roots[m], roots[n])) << m << " to " << n;
      }
    }
  }
  EXPECT_FALSE(verify_consistency(0, 5, {}, roots[1], roots[5]));
  EXPECT_FALSE(verify_consistency(6, 5, {}, roots[1], roots[5]));
}

}  // namespace
}  // namespace grappe::tlog
