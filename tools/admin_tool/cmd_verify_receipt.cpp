// verify-receipt: checks a receipt (GET /api/grappes/{id}/receipt) offline, trusting only the
// log's verifier key: its checkpoint's signature, the record's leaf hash and inclusion proof,
// and that the event shown is the one recorded. Needs no data folder and no server.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "grappe/tlog/receipt.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

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
