// registry check FILE: reads a registry file as the server would (--registry, or an admin's
// upload) and prints what it holds and every row it skipped or remarked on, without a server
// or a data folder. Exit status 0 when the server would load it, 2 when it would refuse it.
#include <cstdio>
#include <fstream>
#include <unordered_set>

#include "grappe/reference/finess_plus.h"
#include "grappe/reference/registry_file.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;

struct RegistryOptions {
  fs::path file;
  std::size_t max_warnings = 0;  // 0: every one
};

std::string head_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

void print_warnings(const std::vector<std::string>& warnings, std::size_t max) {
  std::printf("%zu remark(s) (skipped rows, and rows kept with a remark):\n", warnings.size());
  std::size_t shown = 0;
  for (const auto& w : warnings) {
    if (max != 0 && shown == max) {
      std::printf("  … and %zu more (--max-warnings 0 shows them all)\n", warnings.size() - max);
      break;
    }
    std::printf("  %s\n", w.c_str());
    ++shown;
  }
}

int run_check(const RegistryOptions& o) {
  std::error_code ec;
  if (!fs::is_regular_file(o.file, ec)) {
    say_error(o.file.string() + ": no such file");
    return kUsage;
  }
  const auto head = head_of(o.file);
  std::vector<std::string> warnings;
  if (reference::looks_like_json_or_gzip(head)) {
    auto file = reference::read_finess_plus_file(o.file, &warnings);
    if (!file) {
      say_error(file.error());
      print_warnings(warnings, o.max_warnings);
      return kUsage;
    }
    std::printf("%s: FINESS+ structures (schema %s, generated %s)\n", o.file.string().c_str(),
                file->schema_version.c_str(), file->generated_at.c_str());
    std::printf("%zu establishments (ET), %zu organisations (EJ), %zu closed, %zu skipped\n",
                file->establishments, file->organisations, file->closed, file->skipped);
  } else {
    auto registry = reference::load_registry_file(o.file, &warnings);
    if (!registry) {
      say_error(registry.error());
      print_warnings(warnings, o.max_warnings);
      return kUsage;
    }
    std::unordered_set<std::string> ejs;
    std::size_t closed = 0;
    for (const auto& e : registry->establishments()) {
      ejs.insert(e.ej);
      if (!e.closed_on.empty()) ++closed;
    }
    const bool etalab = head.starts_with("finess;etalab;");
    std::printf("%s: %s\n", o.file.string().c_str(),
                etalab ? "FINESS open-data extract (etalab)" : "simple CSV");
    std::printf("%zu establishments (ET), %zu organisations (EJ), %zu closed\n", registry->size(),
                ejs.size(), closed);
  }
  print_warnings(warnings, o.max_warnings);
  return std::fflush(stdout) == 0 ? kOk : kIoError;
}

}  // namespace

void add_registry_command(CLI::App& app, Globals& g) {
  auto* registry = app.add_subcommand(
      "registry", "Registry files (FINESS+ JSON, plain or gzip; FINESS extract; CSV).");
  registry->require_subcommand(1);
  auto options = std::make_shared<RegistryOptions>();
  auto* check = registry->add_subcommand(
      "check",
      "Read a registry file as the server would (--registry, POST /api/admin/registry) and print "
      "its format, generation date, counts and every skipped or remarked row. Needs no server. "
      "Exit status 0 when the server would load it, 2 when it would refuse it.");
  check->add_option("FILE", options->file, "the registry file")->required()->type_name("FILE");
  check->add_option("--max-warnings", options->max_warnings, "print at most N remarks (0: all)")
      ->capture_default_str()
      ->type_name("N");
  check->footer(std::string(kExitCodesHelp));
  check->callback([&g, options] { g.exit_code = run_check(*options); });
}

}  // namespace grappe::admin
