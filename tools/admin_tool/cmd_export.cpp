// export: the whole log as JSON Lines on standard output, in position order.
#include <cstdio>

#include "progress.h"
#include "record_json.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

constexpr std::size_t kPage = 10000;

int run_export(const Globals& g) {
  auto store = open_existing(g.data);
  if (!store) return store.error();
  Progress progress("export", (*store)->last_position());
  std::string out;
  std::uint64_t done = 0;
  for (;;) {
    auto page = (*store)->read_all(done, kPage);
    if (!page) return report_store_error(page.error(), g.data);
    out.clear();
    for (const auto& record : *page) {
      append_export_line(record, out);
      out.push_back('\n');
      done = record.position;
    }
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
      say_error("cannot write to standard output");
      return kIoError;
    }
    progress.update(done);
    if (page->size() < kPage) break;
  }
  progress.finish();
  if (std::fflush(stdout) != 0) {
    say_error("cannot write to standard output");
    return kIoError;
  }
  return kOk;
}

}  // namespace

void add_export_command(CLI::App& app, Globals& g) {
  auto* sub = app.add_subcommand(
      "export",
      "Write the whole log to standard output as JSON Lines, in position order, one record a "
      "line: position, stream, version, id, type, data, actor, at, commandId, hash. No header. "
      "`import` reads it back.");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g] { g.exit_code = run_export(g); });
}

}  // namespace grappe::admin
