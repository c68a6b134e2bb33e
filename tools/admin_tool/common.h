// grappe-admin: what every subcommand shares — exit codes, the --data option, opening the store.
#pragma once

#include <CLI/CLI.hpp>
#include <expected>
#include <filesystem>
#include <memory>
#include <string_view>

#include "grappe/eventstore/store.h"

namespace grappe::admin {

// Exit statuses scripts can rely on (also in --help and README.md).
enum ExitCode : int {
  kOk = 0,
  kFailed = 1,   // verification failed, import/restore refused, grappe not found
  kUsage = 2,    // bad option, missing or unreadable folder or file, malformed input
  kLocked = 3,   // the data folder is held by a running server
  kIoError = 4,  // any other I/O or RocksDB failure
};

inline constexpr std::string_view kExitCodesHelp =
    "Exit status: 0 ok; 1 verification failed, import or restore refused, grappe not found; "
    "2 usage error, missing folder or bad file; 3 the data folder is held by a running server; "
    "4 other I/O error.";

// Shared by every subcommand: the data folder and the status main() returns.
struct Globals {
  std::filesystem::path data = "var/data";
  int exit_code = kOk;
};

// Adds `--data DIR` to `sub`, bound to g.data.
void add_data_option(CLI::App& sub, Globals& g);

// Prints "grappe-admin: <message>" on standard error.
void say_error(std::string_view message);

// Prints why `error` happened (naming `dir`) and returns the matching exit status.
int report_store_error(const es::StoreError& error, const std::filesystem::path& dir);

// Opens the store in `dir`, which must already exist (read commands never create a folder).
// On failure prints why and returns the exit status.
std::expected<std::unique_ptr<es::Store>, int> open_existing(const std::filesystem::path& dir);

// True when `dir` looks like a RocksDB folder (it has a CURRENT file).
bool is_store_folder(const std::filesystem::path& dir);

}  // namespace grappe::admin
