// rebuild: drops read models and folds them again from the log (offline; the server must be
// stopped). The server reads them back at its next start without replaying the log.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "grappe/projections/read_models.h"
#include "progress.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

using projections::ReadModels;

int run_rebuild(const Globals& g, const std::string& name) {
  if (!name.empty() && !ReadModels::known(name)) {
    std::string known;
    for (auto n : ReadModels::kNames) known += (known.empty() ? "" : ", ") + std::string(n);
    say_error("unknown projection '" + name + "' (known: " + known + ")");
    return kUsage;
  }
  // Logs (stale projections, timings) go to standard error; results to standard output.
  spdlog::set_default_logger(spdlog::stderr_color_mt("admin"));
  spdlog::set_level(spdlog::level::warn);
  auto store = open_existing(g.data);
  if (!store) return store.error();
  // Never destroyed: the process ends right after, and freeing millions of small objects one
  // by one would only make the command slower (the store itself is closed properly). Held by a
  // static so that it stays reachable until the exit: not a leak for LeakSanitizer either.
  static ReadModels* const kept = new ReadModels;
  auto& models = *kept;
  // Rebuilding one: the others are read back so that they are not folded again.
  if (!name.empty()) {
    if (auto loaded = models.load(**store); !loaded) {
      say_error(loaded.error());
      return kIoError;
    }
  }
  if (auto reset = models.reset(**store, name); !reset) {
    say_error(reset.error());
    return kIoError;
  }
  const auto head = (*store)->last_position();
  Progress progress("rebuild " + (name.empty() ? std::string("all") : name), head);
  auto folded =
      models.catch_up(**store, [&](std::uint64_t done, std::uint64_t) { progress.update(done); });
  progress.finish();
  if (!folded) {
    say_error(folded.error());
    return kIoError;
  }
  const double seconds = std::chrono::duration<double>(progress.elapsed()).count();
  for (const auto& s : models.status()) {
    if (!name.empty() && s.name != name) continue;
    std::printf("%s: %zu entries, checkpoint %llu\n", s.name.c_str(), s.size,
                static_cast<unsigned long long>(s.position));
  }
  std::printf("events folded: %llu in %.2f s (%.0f events/s)\n",
              static_cast<unsigned long long>(*folded), seconds,
              seconds > 0 ? static_cast<double>(*folded) / seconds : 0.0);
  return kOk;
}

}  // namespace

void add_rebuild_command(CLI::App& app, Globals& g) {
  auto* sub = app.add_subcommand(
      "rebuild",
      "Drop read models and fold them again from the log, with a progress bar on a terminal. "
      "The server must be stopped; it reads them back at its next start. Online alternative: "
      "POST /api/admin/projections/{name}/rebuild.");
  add_data_option(*sub, g);
  auto name = std::make_shared<std::string>();
  sub->add_option("--projection", *name,
                  "only this read model: grappes, establishments or users (default: all)");
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g, name] { g.exit_code = run_rebuild(g, *name); });
}

}  // namespace grappe::admin
