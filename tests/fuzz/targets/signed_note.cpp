// What a witness, a verifier or POST /api/log/cosignature reads from outside: signed notes,
// checkpoints, verifier keys, cosignature lines and receipts. Nothing crashes; whatever opens
// with the log's key was signed by it (this target holds no signing key, so nothing may open);
// base64 that decodes encodes back to text that decodes to the same bytes.
#include <nlohmann/json.hpp>

#include "fuzz_target.h"
#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"
#include "grappe/tlog/receipt.h"

namespace {

// golang.org/x/mod/sumdb/note's example key: no input carries a valid signature by it but the
// corpus's own example note.
const grappe::tlog::VerifierKey& key() {
  static const auto k = *grappe::tlog::parse_verifier_key(
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  return k;
}

}  // namespace

GRAPPE_FUZZ_TARGET(signed_note) {
  using namespace grappe::tlog;
  auto text = grappe::fuzz::as_text(data, size);
  if (auto note = parse_note(text)) {
    for (const auto& s : note->signatures) GRAPPE_FUZZ_CHECK(s.line.ends_with('\n'));
    (void)open_checkpoint(text, key());
    (void)check_cosignature(note->signatures.front().line, note->text, key());
  }
  if (auto opened = open_note(text, key())) {
    GRAPPE_FUZZ_CHECK(text.starts_with(*opened));  // only the corpus's genuine example
  }
  if (auto c = parse_checkpoint(text)) GRAPPE_FUZZ_CHECK(c->root.size() == 32);
  (void)parse_verifier_key(text);
  if (auto raw = unbase64(text)) GRAPPE_FUZZ_CHECK(unbase64(base64(*raw)) == raw);
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) {
    auto check = check_receipt(json, key());
    GRAPPE_FUZZ_CHECK(!check.ok || check.position > 0);
  }
  return 0;
}
