// verify: recomputes the hash chain and the Merkle tree of the whole log. verify-receipt: checks
// a receipt (GET /api/grappes/{id}/receipt) offline, trusting only the log's verifier key: its
// checkpoint's signature, the record's leaf hash and inclusion proof, and that the event shown is
// the one recorded. Needs no data folder and no server.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "grappe/tlog/receipt.h"
#include "progress.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

int run_verify(const Globals& g) {
  auto store = open_existing(g.data);
  if (!store) return store.error();
  Progress progress("verify", (*store)->last_position());
  auto result = (*store)->verify([&](std::uint64_t done) { progress.update(done); });
  progress.finish();
  std::printf("events checked: %llu\n", static_cast<unsigned long long>(result.events));
  std::printf("head hash: %s\n", result.head.empty() ? "none (empty log)" : result.head.c_str());
  std::printf("merkle root: %s\n", result.root.c_str());
  if (result.checkpoint > 0) {
    std::printf("latest signed checkpoint: size %llu, equal to the tree\n",
                static_cast<unsigned long long>(result.checkpoint));
  }
  if (result.first_bad_position) {
    std::printf("first bad position: %llu (%s)\n",
                static_cast<unsigned long long>(*result.first_bad_position),
                result.problem.c_str());
  } else {
    std::printf("first bad position: none\n");
  }
  std::printf("result: %s\n", result.ok ? "ok" : "BROKEN");
  return result.ok ? kOk : kFailed;
}

struct ReceiptOptions {
  std::string file;
  std::string key;
};

int run_verify_receipt(const ReceiptOptions& o) {
  auto key = tlog::parse_verifier_key(o.key);
  if (!key) {
    std::fprintf(stderr, "grappe-admin: --key: %s\n", key.error().c_str());
    return kUsage;
  }
  std::ifstream in(o.file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "grappe-admin: cannot read %s\n", o.file.c_str());
    return kUsage;
  }
  auto receipt = nlohmann::json::parse(text.str(), nullptr, false);
  auto check = tlog::check_receipt(receipt, *key);
  std::printf("%s: %s\n", check.ok ? "valid" : "INVALID", check.message.c_str());
  return check.ok ? kOk : kFailed;
}

}  // namespace

void add_verify_command(CLI::App& app, Globals& g) {
  auto* sub = app.add_subcommand(
      "verify",
      "Recompute the hash chain and the Merkle tree of the whole log, compare the tree with the "
      "latest signed checkpoint; print the events checked, the head hash and the "
      "first bad position. Exit status 1 if the chain is broken.");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g] { g.exit_code = run_verify(g); });
}

void add_verify_receipt_command(CLI::App& app, Globals& g) {
  auto options = std::make_shared<ReceiptOptions>();
  auto* sub = app.add_subcommand(
      "verify-receipt",
      "Check a receipt offline with the log's verifier key (GET /api/log/key): the checkpoint's "
      "signature, the inclusion proof of the record, and the event shown. Exit status 0 when "
      "valid, 1 when not (and why).");
  sub->add_option("file", options->file, "the receipt (JSON)")->required();
  sub->add_option("--key", options->key, "the log's verifier key, <name>+<id>+<base64>")
      ->required();
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, options] { g.exit_code = run_verify_receipt(*options); });
}

}  // namespace grappe::admin
