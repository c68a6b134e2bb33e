// grappe-admin (run through ./tools/admin): offline operations on a stopped server's data
// folder — verify, history, replay, export, import, backup, restore — and registry check.
// PROTOCOL.md, "Operating the server", lists them; README.md documents the exit statuses.
#include <exception>
#include <iostream>

#include "subcommands.h"

int main(int argc, char** argv) {
  using namespace grappe::admin;
  Globals g;
  CLI::App app{"Grappe admin tool: works on the data folder of a stopped server."};
  app.name("./tools/admin");
  app.require_subcommand(1);
  app.footer(std::string(kExitCodesHelp));

  // One line per subcommand, in the order --help lists them.
  add_verify_command(app, g);
  add_verify_receipt_command(app, g);
  add_rebuild_command(app, g);
  add_history_command(app, g);
  add_replay_command(app, g);
  add_export_command(app, g);
  add_import_command(app, g);
  add_backup_command(app, g);
  add_restore_command(app, g);
  add_registry_command(app, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    return status == 0 ? kOk : kUsage;
  } catch (const std::exception& e) {
    say_error(e.what());
    return kIoError;
  }
  return g.exit_code;
}
