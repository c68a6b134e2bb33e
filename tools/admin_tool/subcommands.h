// grappe-admin subcommands: each adds itself to the app (with its options and --help text) and,
// when chosen, runs and leaves its exit status in Globals::exit_code. One file each.
#pragma once

#include <CLI/CLI.hpp>

#include "common.h"

namespace grappe::admin {

void add_verify_command(CLI::App& app, Globals& g);          // cmd_verify.cpp
void add_history_command(CLI::App& app, Globals& g);         // cmd_history.cpp
void add_replay_command(CLI::App& app, Globals& g);          // cmd_replay.cpp
void add_export_command(CLI::App& app, Globals& g);          // cmd_export.cpp
void add_import_command(CLI::App& app, Globals& g);          // cmd_import.cpp
void add_backup_command(CLI::App& app, Globals& g);          // cmd_backup.cpp
void add_restore_command(CLI::App& app, Globals& g);         // cmd_restore.cpp
void add_rebuild_command(CLI::App& app, Globals& g);         // cmd_rebuild.cpp
void add_verify_receipt_command(CLI::App& app, Globals& g);  // cmd_verify.cpp
void add_registry_command(CLI::App& app, Globals& g);        // cmd_registry.cpp

}  // namespace grappe::admin
