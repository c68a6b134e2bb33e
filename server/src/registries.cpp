#include "registries.h"

#include <spdlog/spdlog.h>

#include "grappe/domain/time.h"

namespace grappe::server {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

constexpr std::size_t kWarningsKept = 50;

std::string now_text() {
  return domain::format_timestamp(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

}  // namespace

std::string RegistryInfo::label() const {
  std::string out = source;
  if (!generated_at.empty()) out += " " + generated_at;
  out += " " + sha256.substr(0, 12);
  return out;
}

nlohmann::json RegistryInfo::to_json() const {
  return {{"source", source},
          {"generatedAt", generated_at.empty() ? nlohmann::json() : nlohmann::json(generated_at)},
          {"loadedAt", loaded_at},
          {"sha256", sha256},
          {"establishments", establishments},
          {"organisations", organisations},
          {"closed", closed},
          {"label", label()}};
}

Registries::Registries(LoadedRegistry initial, RegistryLoader loader, prometheus::Registry& m)
    : loader_(std::move(loader)),
      info_(std::move(initial.info)),
      establishments_(BuildGauge()
                          .Name("grappe_registry_establishments")
                          .Help("Establishments of the registry in service")
                          .Register(m)
                          .Add({})),
      load_progress_(BuildGauge()
                         .Name("grappe_registry_load_progress")
                         .Help("Share of the registry file being loaded that is read (0..1)")
                         .Register(m)
                         .Add({})),
      load_running_(BuildGauge()
                        .Name("grappe_registry_loading")
                        .Help("1 while a registry upload is received or read")
                        .Register(m)
                        .Add({})),
      received_bytes_(BuildGauge()
                          .Name("grappe_registry_upload_received_bytes")
                          .Help("Bytes of the current registry upload received so far")
                          .Register(m)
                          .Add({})),
      loads_(BuildCounter()
                 .Name("grappe_registry_loads_total")
                 .Help("Registry uploads, by result (ok, failed)")
                 .Register(m)) {
  if (info_.loaded_at.empty()) info_.loaded_at = now_text();
  initial.registry.set_label(info_.label());
  current_.store(std::make_shared<const domain::Registry>(std::move(initial.registry)));
  establishments_.Set(static_cast<double>(info_.establishments));
}

Registries::~Registries() {
  stop();
}

void Registries::stop() {
  stopping_ = true;
  std::lock_guard lock(thread_mu_);
  if (thread_.joinable()) thread_.join();
}

RegistryInfo Registries::info() const {
  std::lock_guard lock(mu_);
  return info_;
}

bool Registries::begin_upload(std::uint64_t expected_bytes, std::string& why) {
  std::lock_guard lock(mu_);
  if (state_ == "receiving" || state_ == "reading") {
    why = "un autre registre est en cours de chargement ; réessayez quand il sera chargé";
    return false;
  }
  state_ = "receiving";
  received_ = 0;
  expected_ = expected_bytes;
  progress_ = 0;
  started_at_ = now_text();
  finished_at_.clear();
  error_.clear();
  warnings_.clear();
  warning_count_ = 0;
  load_running_.Set(1);
  load_progress_.Set(0);
  received_bytes_.Set(0);
  return true;
}

void Registries::upload_progress(std::uint64_t received) {
  std::lock_guard lock(mu_);
  received_ = received;
  received_bytes_.Set(static_cast<double>(received));
}

void Registries::upload_failed(const std::string& why) {
  std::lock_guard lock(mu_);
  if (state_ != "receiving") return;
  state_ = "failed";
  error_ = why;
  finished_at_ = now_text();
  load_running_.Set(0);
  loads_.Add({{"result", "failed"}}).Increment();
  spdlog::warn("registry: upload failed: {}", why);
}

bool Registries::load(std::filesystem::path file, std::string& why, Done done) {
  {
    std::lock_guard lock(mu_);
    if (state_ == "reading") {
      why = "un autre registre est en cours de chargement ; réessayez quand il sera chargé";
      return false;
    }
    if (state_ != "receiving") {
      started_at_ = now_text();
      received_ = expected_ = 0;
      error_.clear();
      warnings_.clear();
      warning_count_ = 0;
    }
    state_ = "reading";
    progress_ = 0;
    load_running_.Set(1);
  }
  std::lock_guard thread_lock(thread_mu_);
  if (thread_.joinable()) thread_.join();  // the previous load has ended: joins at once
  try {
    thread_ = std::thread(
        [this, file = std::move(file), done = std::move(done)] { run_load(file, done); });
  } catch (const std::system_error& e) {
    std::lock_guard lock(mu_);
    state_ = "failed";
    error_ = std::string("lecture impossible à lancer sur le serveur (") + e.what() + ")";
    load_running_.Set(0);
    why = error_;
    return false;
  }
  return true;
}

void Registries::run_load(const std::filesystem::path& file, const Done& done) {
  spdlog::info("registry: reading {}", file.filename().string());
  std::expected<LoadedRegistry, std::string> loaded;
  try {
    loaded = loader_(file, [this](double share) {
      std::lock_guard lock(mu_);
      progress_ = share;
      load_progress_.Set(share);
      return !stopping_;
    });
  } catch (const std::exception& e) {  // memory, a thread: the old registry stays
    loaded = std::unexpected(std::string("lecture interrompue sur le serveur (") + e.what() + ")");
  }
  if (stopping_) loaded = std::unexpected(std::string("le serveur s'arrête"));
  std::error_code ec;
  std::filesystem::remove(file, ec);
  std::optional<std::string> error;
  if (!loaded) error = loaded.error();
  std::shared_ptr<const domain::Registry> old;  // freed after the lock: it may be large
  {
    std::lock_guard lock(mu_);
    old = finish_locked(loaded);
  }
  old.reset();
  if (done && !stopping_) done(std::move(error));
}

std::shared_ptr<const domain::Registry> Registries::finish_locked(
    std::expected<LoadedRegistry, std::string>& loaded) {
  finished_at_ = now_text();
  load_running_.Set(0);
  if (!loaded) {
    state_ = "failed";
    error_ = loaded.error();
    loads_.Add({{"result", "failed"}}).Increment();
    spdlog::warn("registry: the new file was not loaded ({}); the previous registry stays", error_);
    return nullptr;
  }
  warning_count_ = loaded->warnings.size();
  for (std::size_t i = 0; i < loaded->warnings.size() && i < kWarningsKept; ++i)
    warnings_.push_back(std::move(loaded->warnings[i]));
  info_ = std::move(loaded->info);
  info_.loaded_at = finished_at_;
  loaded->registry.set_label(info_.label());
  auto old =
      current_.exchange(std::make_shared<const domain::Registry>(std::move(loaded->registry)));
  state_ = "done";
  progress_ = 1;
  load_progress_.Set(1);
  establishments_.Set(static_cast<double>(info_.establishments));
  loads_.Add({{"result", "ok"}}).Increment();
  spdlog::info("registry: now serving {} ({} establishments, {} warnings)", info_.label(),
               info_.establishments, warning_count_);
  return old;
}

nlohmann::json Registries::status_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json load{
      {"state", state_},
      {"receivedBytes", received_},
      {"expectedBytes", expected_},
      {"progress", progress_},
      {"startedAt", started_at_.empty() ? nlohmann::json() : nlohmann::json(started_at_)},
      {"finishedAt", finished_at_.empty() ? nlohmann::json() : nlohmann::json(finished_at_)},
      {"error", error_.empty() ? nlohmann::json() : nlohmann::json(error_)},
      {"warningCount", warning_count_},
      {"warnings", warnings_}};
  return {{"current", info_.to_json()}, {"load", std::move(load)}};
}

}  // namespace grappe::server
