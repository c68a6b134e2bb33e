// The registry the server serves, and its replacement by an admin's upload (PROTOCOL.md v2,
// "Registry"): readers take a snapshot (a shared_ptr) per request; a new file is read on this
// object's own thread, off the network threads, and swapped in atomically once fully read. The
// old registry serves until then, and stays when the file cannot be read. One load at a time.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::server {

// What GET /api/registry says of the registry in service.
struct RegistryInfo {
  std::string source;        // "finess-plus", "etalab", "csv" or "demo"
  std::string generated_at;  // as the file states it; empty when it does not
  std::string loaded_at;     // ISO 8601, UTC
  std::string sha256;        // lowercase hex of the file's bytes (as given: gzip or not)
  std::size_t establishments = 0, organisations = 0, closed = 0;

  // "<source> <generatedAt> <sha256 first 12>": ValidationCompleted.data.registry.
  std::string label() const;
  nlohmann::json to_json() const;
};

// Reads a registry file: the registry, what it is, and its warnings (skipped rows). `progress`
// receives the share of the file read (0..1), now and then. Throws nothing; errors are values.
struct LoadedRegistry {
  domain::Registry registry;
  RegistryInfo info;
  std::vector<std::string> warnings;
};
// `progress` gets the share read now and then, and returns false to stop the read (the server
// is stopping): the loader then fails.
using Progress = std::function<bool(double share)>;
using RegistryLoader = std::function<std::expected<LoadedRegistry, std::string>(
    const std::filesystem::path& file, const Progress& progress)>;

class Registries {
 public:
  Registries(LoadedRegistry initial, RegistryLoader loader, prometheus::Registry& metrics);
  ~Registries();  // stop()
  // Stops a running load (its `done` is not called) and waits for its thread. Idempotent.
  void stop();
  Registries(const Registries&) = delete;
  Registries& operator=(const Registries&) = delete;

  std::shared_ptr<const domain::Registry> current() const { return current_.load(); }
  RegistryInfo info() const;

  // An upload is starting: false (and why) when a load is already running.
  bool begin_upload(std::uint64_t expected_bytes, std::string& why);
  void upload_progress(std::uint64_t received);
  // The upload ended before its file was whole (client gone, too large, disk): load ends.
  void upload_failed(const std::string& why);
  // Reads `file` (now owned: removed once read) on the load thread, then swaps it in, and calls
  // `done` there with nothing or why the file was not loaded (the old registry then stays).
  // Called after begin_upload(), or alone (then it fails when a load is running).
  using Done = std::function<void(std::optional<std::string> error)>;
  bool load(std::filesystem::path file, std::string& why, Done done = {});

  // {"current": info, "load": {"state","receivedBytes","expectedBytes","progress","startedAt",
  //   "finishedAt","error","warnings":[the first 50],"warningCount"}}
  nlohmann::json status_json() const;

 private:
  void run_load(const std::filesystem::path& file, const Done& done);
  // Under mu_: records the load's end; returns the registry it replaced, if it did.
  std::shared_ptr<const domain::Registry> finish_locked(
      std::expected<LoadedRegistry, std::string>& loaded);

  RegistryLoader loader_;
  std::atomic<bool> stopping_{false};
  std::mutex thread_mu_;  // thread_, apart from mu_: `done` runs without mu_
  std::atomic<std::shared_ptr<const domain::Registry>> current_;
  mutable std::mutex mu_;
  RegistryInfo info_;  // under mu_
  // The last or running load, under mu_.
  std::string state_ = "idle";  // idle, receiving, reading, done, failed
  std::uint64_t received_ = 0, expected_ = 0;
  double progress_ = 0;
  std::string started_at_, finished_at_, error_;
  std::vector<std::string> warnings_;
  std::size_t warning_count_ = 0;
  std::thread thread_;
  prometheus::Gauge& establishments_;               // grappe_registry_establishments
  prometheus::Gauge& load_progress_;                // grappe_registry_load_progress (0..1)
  prometheus::Gauge& load_running_;                 // grappe_registry_loading
  prometheus::Gauge& received_bytes_;               // grappe_registry_upload_received_bytes
  prometheus::Family<prometheus::Counter>& loads_;  // grappe_registry_loads_total{result}
};

}  // namespace grappe::server
