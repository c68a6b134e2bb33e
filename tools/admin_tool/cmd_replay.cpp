// replay: a grappe's state as it was at a version or a moment, folded from its stream.
#include <cstdio>

#include "grappe/domain/state.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"
#include "grappe/projections/projection.h"
#include "record_json.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

constexpr std::size_t kPage = 1000;

struct ReplayOptions {
  std::string grappe;
  std::optional<std::uint64_t> version;
  std::string at;
  bool pretty = false;
};

// The fold GET /api/grappes/{id}/state?atVersion=V|at=T answers: every event up to version
// `version` (inclusive) and at or before `at`; events that do not decode are skipped.
std::expected<domain::GrappeState, es::StoreError> fold(es::Store& store, const std::string& id,
                                                        std::optional<std::uint64_t> version,
                                                        std::optional<domain::Timestamp> at) {
  domain::GrappeState state;
  auto stream = domain::grappe_stream(id);
  for (std::uint64_t from = 0;;) {
    auto page = store.read_stream(stream, from, kPage, es::Direction::kForward);
    if (!page) return std::unexpected(page.error());
    for (const auto& record : *page) {
      if (version && record.version > *version) return state;
      if (at && record.timestamp > *at) return state;
      auto event = domain::decode(record.type, nlohmann::json::parse(record.data, nullptr, false));
      if (event) state = domain::evolve(std::move(state), *event, projections::event_meta(record));
      from = record.version;
    }
    if (page->size() < kPage) return state;
  }
}

int run_replay(const Globals& g, const ReplayOptions& o) {
  std::optional<domain::Timestamp> at;
  if (!o.at.empty() && !(at = domain::parse_timestamp(o.at))) {
    say_error("--at must be an RFC 3339 UTC timestamp such as 2026-11-23T10:15:02.123Z");
    return kUsage;
  }
  auto store = open_existing(g.data);
  if (!store) return store.error();
  if ((*store)->stream_version(domain::grappe_stream(o.grappe)) == 0) {
    say_error("no grappe " + o.grappe + " in " + g.data.string());
    return kFailed;
  }
  auto state = fold(**store, o.grappe, o.version, at);
  if (!state) return report_store_error(state.error(), g.data);
  if (!state->exists()) {
    say_error("grappe " + o.grappe + " did not exist then");
    return kFailed;
  }
  std::string text = domain::to_json(*state).dump(o.pretty ? 2 : -1) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? kOk : kIoError;
}

}  // namespace

void add_replay_command(CLI::App& app, Globals& g) {
  auto options = std::make_shared<ReplayOptions>();
  auto* sub = app.add_subcommand(
      "replay",
      "Print a grappe's state as it was after version V, or at a moment, as JSON (what "
      "GET /api/grappes/{id}/state?atVersion=V answers); without either, its latest state. "
      "Exit status 1 if the grappe is unknown or did not exist then.");
  sub->add_option("--grappe", options->grappe, "the grappe's ID")->required()->type_name("ID");
  auto* version =
      sub->add_option("--version", options->version, "fold up to this version")->type_name("V");
  auto* at = sub->add_option("--at", options->at, "fold the events up to this moment (RFC 3339)")
                 ->type_name("TIMESTAMP");
  version->excludes(at);
  sub->add_flag("--pretty", options->pretty, "indent the JSON");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, options] { g.exit_code = run_replay(g, *options); });
}

}  // namespace grappe::admin
