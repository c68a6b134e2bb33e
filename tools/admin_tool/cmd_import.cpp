// import: reads an export (JSON Lines on standard input) into an empty store, checking the
// chain as it goes. All or nothing: when a record is refused the folder is emptied again.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "progress.h"
#include "record_json.h"
#include "subcommands.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBatch = 10000;

// Opens the store `dir` for an import: it must be missing, an empty folder or a store without
// events. `created` tells whether the folder did not exist.
std::expected<std::unique_ptr<es::Store>, int> open_empty(const fs::path& dir, bool& created) {
  std::error_code ec;
  created = !fs::exists(dir, ec);
  if (!created && !fs::is_directory(dir, ec)) {
    say_error(dir.string() + " is not a folder");
    return std::unexpected(kUsage);
  }
  if (!created && !is_store_folder(dir) && !fs::is_empty(dir, ec)) {
    say_error("import refused: " + dir.string() +
              " is neither empty nor an event store; import only into an empty or new folder");
    return std::unexpected(kFailed);
  }
  auto store = es::Store::open(dir);
  if (!store) return std::unexpected(report_store_error(store.error(), dir));
  if (auto n = (*store)->last_position(); n != 0) {
    say_error("import refused: " + dir.string() + " already holds " + with_commas(n) +
              " events; import only into an empty or new folder");
    return std::unexpected(kFailed);
  }
  return std::move(*store);
}

// Leaves `dir` as it was before the import: removed if it was created, else empty.
void wipe(const fs::path& dir, bool created) {
  std::error_code ec;
  if (created) {
    fs::remove_all(dir, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
}

class LineReader {
 public:
  ~LineReader() { std::free(buf_); }
  // The next line without its line break; false at the end of the input.
  bool next(std::string_view& line) {
    ssize_t n = ::getline(&buf_, &cap_, stdin);
    if (n < 0) return false;
    ++number_;
    line = std::string_view(buf_, static_cast<std::size_t>(n));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return true;
  }
  std::uint64_t number() const { return number_; }

 private:
  char* buf_ = nullptr;
  std::size_t cap_ = 0;
  std::uint64_t number_ = 0;
};

// Reads and imports every line; the exit status.
int import_lines(es::Store& store, Progress& progress) {
  LineReader reader;
  std::vector<es::Record> batch;
  batch.reserve(kBatch);
  std::uint64_t first_line = 0, done = 0;
  auto flush = [&]() -> int {
    if (batch.empty()) return kOk;
    if (auto r = store.import(batch); !r) {
      say_error(r.error().message + " (input lines " + std::to_string(first_line) + "-" +
                std::to_string(reader.number()) + ")");
      return r.error().code == es::StoreErrc::kCorrupt ? kFailed : kIoError;
    }
    done += batch.size();
    progress.update(done);
    batch.clear();
    return kOk;
  };
  std::string_view line;
  while (reader.next(line)) {
    if (line.empty()) continue;
    auto record = parse_export_line(line);
    if (!record) {
      say_error("input line " + std::to_string(reader.number()) + ": " + record.error());
      return kUsage;
    }
    if (batch.empty()) first_line = reader.number();
    batch.push_back(std::move(*record));
    if (batch.size() == kBatch) {
      if (int status = flush(); status != kOk) return status;
    }
  }
  if (std::ferror(stdin)) {
    say_error("cannot read standard input");
    return kIoError;
  }
  return flush();
}

int run_import(const Globals& g) {
  bool created = false;
  auto store = open_empty(g.data, created);
  if (!store) return store.error();
  Progress progress("import", 0);
  int status = import_lines(**store, progress);
  progress.finish();
  auto events = (*store)->last_position();
  auto head = (*store)->head_hash();
  store->reset();
  if (status != kOk) {
    wipe(g.data, created);
    say_error("nothing was imported; " + g.data.string() +
              (created ? " was not created" : " is left empty"));
    return status;
  }
  std::printf("imported events: %llu\n", static_cast<unsigned long long>(events));
  std::printf("head hash: %s\n", head.empty() ? "none (empty log)" : head.c_str());
  return kOk;
}

}  // namespace

void add_import_command(CLI::App& app, Globals& g) {
  auto* sub = app.add_subcommand(
      "import",
      "Read an export (JSON Lines, from `export`) on standard input into an empty or new data "
      "folder, checking every record's position, stream version and chain hash. All or nothing: "
      "a refused record (its position is printed) leaves the folder empty. Exit status 1 if the "
      "chain is refused or the folder is not empty, 2 if a line is malformed.");
  add_data_option(*sub, g);
  sub->footer(std::string(kExitCodesHelp));
  sub->callback([&g] { g.exit_code = run_import(g); });
}

}  // namespace grappe::admin
