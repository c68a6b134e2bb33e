#include "common.h"

#include <iostream>

namespace grappe::admin {

namespace fs = std::filesystem;

void add_data_option(CLI::App& sub, Globals& g) {
  sub.add_option("--data", g.data, "the server's data folder (RocksDB)")
      ->capture_default_str()
      ->type_name("DIR");
}

void say_error(std::string_view message) {
  std::cerr << "grappe-admin: " << message << '\n';
}

int report_store_error(const es::StoreError& error, const fs::path& dir) {
  switch (error.code) {
    case es::StoreErrc::kLocked:
      say_error("the data folder " + dir.string() +
                " is held by a running server: stop it first, or take an online backup with "
                "POST /api/admin/backup");
      return kLocked;
    case es::StoreErrc::kCorrupt:
      say_error(error.message);
      return kFailed;
    default:
      say_error(error.message);
      return kIoError;
  }
}

bool is_store_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "CURRENT", ec);
}

std::expected<std::unique_ptr<es::Store>, int> open_existing(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    say_error("no data folder at " + dir.string() + " (give --data DIR)");
    return std::unexpected(kUsage);
  }
  if (!is_store_folder(dir)) {
    say_error(dir.string() + " is not an event store (no RocksDB files in it)");
    return std::unexpected(kUsage);
  }
  es::StoreOptions options;
  options.create_if_missing = false;
  auto store = es::Store::open(dir, options);
  if (!store) return std::unexpected(report_store_error(store.error(), dir));
  return std::move(*store);
}

}  // namespace grappe::admin
