// backup: a consistent copy of the data folder (a RocksDB checkpoint) into a new folder.
#include <cstdio>

#include "progress.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;

struct BackupOptions {
  fs::path to;
};

int run_backup(const Globals& g, const BackupOptions& o) {
  std::error_code ec;
  if (fs::exists(o.to, ec)) {
    say_error("backup refused: " + o.to.string() + " exists; give a new folder");
    return kUsage;
  }
  auto store = open_existing(g.data);
  if (!store) return store.error();
  auto events = (*store)->last_position();
  auto head = (*store)->head_hash();
  if (auto done = (*store)->checkpoint(o.to); !done) {
    return report_store_error(done.error(), g.data);
  }
  // The log's signing key goes with it: a restored folder signs checkpoints as the same log.
  if (fs::exists(g.data / "log-key", ec)) {
    fs::copy_file(g.data / "log-key", o.to / "log-key", ec);
    if (ec) {
      say_error("backup written, but the log's key could not be copied: " + ec.message());
      return kIoError;
    }
  }
  std::printf("backup of %s events written to %s\n", with_commas(events).c_str(),
              o.to.string().c_str());
  std::printf("head hash: %s\n", head.empty() ? "none (empty log)" : head.c_str());
  return kOk;
}

}  // namespace

void add_backup_command(CLI::App& app, Globals& g) {
  auto options = std::make_shared<BackupOptions>();
  auto* sub = app.add_subcommand(
      "backup",
      "Copy the data folder consistently (a RocksDB checkpoint: hard links where possible) into "
      "a new folder that `restore --from` takes back. For a running server use "
      "POST /api/admin/backup instead.");
  sub->add_option("--to", options->to, "the backup folder; must not exist")
      ->required()
      ->type_name("DIR");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, options] { g.exit_code = run_backup(g, *options); });
}

}  // namespace grappe::admin
