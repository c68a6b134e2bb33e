// verify: recomputes the hash chain of the whole log.
#include <cstdio>

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

}  // namespace grappe::admin
