// history: one grappe's events, one JSON object a line, as the events endpoint lists them.
#include <cstdio>

#include "grappe/domain/streams.h"
#include "record_json.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

constexpr std::size_t kPage = 1000;

struct HistoryOptions {
  std::string grappe;
};

int run_history(const Globals& g, const HistoryOptions& o) {
  auto store = open_existing(g.data);
  if (!store) return store.error();
  auto stream = domain::grappe_stream(o.grappe);
  if ((*store)->stream_version(stream) == 0) {
    say_error("no grappe " + o.grappe + " in " + g.data.string());
    return kFailed;
  }
  for (std::uint64_t from = 0;;) {
    auto page = (*store)->read_stream(stream, from, kPage, es::Direction::kForward);
    if (!page) return report_store_error(page.error(), g.data);
    for (const auto& record : *page) {
      std::string line = event_json(record).dump() + "\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      from = record.version;
    }
    if (page->size() < kPage) break;
  }
  return std::fflush(stdout) == 0 ? kOk : kIoError;
}

}  // namespace

void add_history_command(CLI::App& app, Globals& g) {
  auto options = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand(
      "history",
      "Print a grappe's events in order, one JSON object a line, with the fields of "
      "GET /api/grappes/{id}/events: version, position, type, data, actor, at, commandId, hash, "
      "id. Exit status 1 if the grappe is unknown.");
  sub->add_option("--grappe", options->grappe, "the grappe's ID")->required()->type_name("ID");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, options] { g.exit_code = run_history(g, *options); });
}

}  // namespace grappe::admin
