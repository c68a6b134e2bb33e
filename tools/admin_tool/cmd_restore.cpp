// restore: puts a backup back as the data folder, after verifying its chain.
//
// The backup is copied into a folder beside --data, opened and verified there, and only then
// moved into place, so a bad backup never replaces anything and the backup itself is not touched.
#include <unistd.h>

#include <cstdio>

#include "progress.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;

struct RestoreOptions {
  fs::path from;
  bool force = false;
};

// Checks that `dir` may be replaced: missing, empty, or (with `force`) a store no server holds.
int check_target(const fs::path& dir, bool force) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return kOk;
  if (!fs::is_directory(dir, ec)) {
    say_error(dir.string() + " is not a folder");
    return kUsage;
  }
  if (fs::is_empty(dir, ec)) return kOk;
  if (is_store_folder(dir)) {
    es::StoreOptions options;
    options.create_if_missing = false;
    auto held = es::Store::open(dir, options);
    if (!held && held.error().code == es::StoreErrc::kLocked) {
      return report_store_error(held.error(), dir);
    }
  }
  if (force) return kOk;
  say_error("restore refused: " + dir.string() +
            " is not empty; give --force to replace what it holds");
  return kFailed;
}

// Verifies the store in `dir`; prints the result; the exit status.
int verify_copy(const fs::path& dir, const fs::path& from) {
  auto store = open_existing(dir);
  if (!store) return store.error();
  Progress progress("verify", (*store)->last_position());
  auto result = (*store)->verify([&](std::uint64_t done) { progress.update(done); });
  progress.finish();
  if (!result.ok) {
    say_error("restore refused: the backup " + from.string() + " is broken at position " +
              std::to_string(result.first_bad_position.value_or(0)) + " (" + result.problem + ")");
    return kFailed;
  }
  std::printf("events checked: %llu\n", static_cast<unsigned long long>(result.events));
  std::printf("head hash: %s\n", result.head.empty() ? "none (empty log)" : result.head.c_str());
  return kOk;
}

int run_restore(const Globals& g, const RestoreOptions& o) {
  std::error_code ec;
  if (!is_store_folder(o.from)) {
    say_error(o.from.string() + " is not a backup (no RocksDB files in it)");
    return kUsage;
  }
  if (int status = check_target(g.data, o.force); status != kOk) return status;
  fs::path target = fs::absolute(g.data, ec).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  fs::path staging = target;
  staging += ".restoring-" + std::to_string(getpid());
  fs::remove_all(staging, ec);
  fs::create_directories(staging.parent_path(), ec);
  fs::copy(o.from, staging, fs::copy_options::recursive, ec);
  if (ec) {
    say_error("cannot copy " + o.from.string() + " to " + staging.string() + ": " + ec.message());
    fs::remove_all(staging, ec);
    return kIoError;
  }
  if (int status = verify_copy(staging, o.from); status != kOk) {
    fs::remove_all(staging, ec);
    return status;
  }
  fs::remove_all(target, ec);
  if (!ec) fs::rename(staging, target, ec);
  if (ec) {
    say_error("cannot move the restored store to " + target.string() + ": " + ec.message() +
              " (it is in " + staging.string() + ")");
    return kIoError;
  }
  std::printf("restored %s into %s\n", o.from.string().c_str(), g.data.string().c_str());
  return kOk;
}

}  // namespace

void add_restore_command(CLI::App& app, Globals& g) {
  auto options = std::make_shared<RestoreOptions>();
  auto* sub = app.add_subcommand(
      "restore",
      "Put a backup (from `backup --to` or POST /api/admin/backup) back as the data folder, "
      "which must be missing or empty unless --force is given; the restored chain is verified "
      "first and its head hash printed. Exit status 1 if refused or the backup is broken.");
  sub->add_option("--from", options->from, "the backup folder")->required()->type_name("DIR");
  sub->add_flag("--force", options->force, "replace a data folder that is not empty");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, options] { g.exit_code = run_restore(g, *options); });
}

}  // namespace grappe::admin
