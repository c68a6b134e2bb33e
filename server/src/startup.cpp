#include "startup.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <future>
#include <sstream>

#include "registry_load.h"
#include "users.h"
#include "users_file.h"

namespace grappe::server {

namespace {

std::string read_file(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(std::string("cannot read ") + what + " file " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

nlohmann::json read_json(const std::filesystem::path& path, const char* what) {
  auto json = nlohmann::json::parse(read_file(path, what), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw InputError(std::string(what) + " file " + path.string() + " is not a JSON object");
  }
  return json;
}

std::vector<UserSeed> load_users(const std::filesystem::path& path) {
  auto users = parse_users_file(read_file(path, "--users"), path.string());
  if (!users) throw InputError(users.error());
  return std::move(*users);
}

}  // namespace

Inputs load_inputs(const Options& options) {
  Inputs inputs;
  auto files = options.registries;
  const bool demo = files.empty();
  if (demo) files.push_back(GRAPPE_DEMO_REGISTRY);
  auto loaded = load_registry_files(files, demo, {});
  if (!loaded) throw InputError("--registry: " + loaded.error());
  inputs.registry = std::move(*loaded);
  const auto& warnings = inputs.registry.warnings;
  for (std::size_t i = 0; i < warnings.size() && i < 20; ++i)
    spdlog::warn("registry: {}", warnings[i]);
  if (warnings.size() > 20) spdlog::warn("registry: {} more warnings", warnings.size() - 20);
  inputs.registry.warnings.clear();
  spdlog::info("registry: {} establishments, {} organisations, {} closed ({})",
               inputs.registry.info.establishments, inputs.registry.info.organisations,
               inputs.registry.info.closed, inputs.registry.info.label());
  if (options.config) {
    auto config = domain::CallConfig::parse(read_json(*options.config, "--config"));
    if (!config) throw InputError("--config " + options.config->string() + ": " + config.error());
    inputs.config = std::move(*config);
  } else {
    inputs.config = domain::CallConfig::builtin();
  }
  if (options.users) inputs.users = load_users(*options.users);
  try {
    inputs.web = StaticFiles::load(options.web_root);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--web-root: ") + e.what());
  }
  spdlog::info("web root: {} files, {} KiB with their gzip forms", inputs.web.size(),
               inputs.web.bytes() / 1024);
  return inputs;
}

void apply_users(ServerContext& ctx, const std::vector<UserSeed>& users) {
  domain::User system{"system", "Grappe (démarrage)", domain::Role::kAdmin, {}, {}};
  for (const auto& seed : users) {
    auto hash = sha256_hex(seed.token);
    auto current = ctx.models.user(seed.user.id);
    auto user = seed.user;
    if (current && seed.given.is_object()) keep_unstated(user, *current, seed.given);
    if (auto holder = email_holder(ctx.models, user)) {
      throw std::runtime_error("user " + user.id + ": e-mail address already " + *holder + "'s");
    }
    auto by_token = ctx.models.user_by_token_hash(hash);
    if (current && *current == user && by_token && by_token->id == user.id) continue;
    std::promise<bool> saved;
    save_user(ctx.writer, user, hash, system,
              [&saved](const WriteOutcome& outcome) { saved.set_value(outcome.has_value()); });
    if (!saved.get_future().get())
      throw std::runtime_error("saving user " + seed.user.id + " failed");
  }
}

}  // namespace grappe::server
