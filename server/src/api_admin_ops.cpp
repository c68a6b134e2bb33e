// Admin API: read models (GET /api/admin/projections, POST …/{projection}/rebuild) and online
// backups (POST /api/admin/backup).
#include <spdlog/spdlog.h>

#include <chrono>

#include "api_handlers.h"
#include "grappe/domain/time.h"
#include "json_util.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

nlohmann::json projections_json(ServerContext& ctx) {
  auto head = ctx.store.last_position();
  auto list = nlohmann::json::array();
  for (const auto& s : ctx.models.status()) {
    nlohmann::json p{{"name", s.name},
                     {"position", s.position},
                     {"lag", head > s.position ? head - s.position : 0},
                     {"status", s.rebuilding ? "rebuilding" : "live"},
                     {"entries", s.size}};
    if (s.rebuilding) p["progress"] = s.progress;
    list.push_back(std::move(p));
  }
  return {{"projections", std::move(list)}, {"appliedSinceStart", ctx.models.applied()}};
}

// A folder name for a backup taken now: 2026-11-23T10-15-02.123Z (no ':' for other systems).
std::string backup_name() {
  auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto name = domain::format_timestamp(now);
  std::ranges::replace(name, ':', '-');
  return name;
}

}  // namespace

void list_projections(ServerContext& ctx, Call& call) {
  if (admins_only(call)) call.reply(json_response(call.req, 200, projections_json(ctx)));
}

void rebuild_projection(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  const auto& name = call.params.projection;
  if (!ReadModels::known(name)) {
    return call.reply(error_response(call.req, 404, "not_found", "no such projection"));
  }
  std::string why;
  if (!ctx.projector.rebuild(name, why)) {
    return call.reply(error_response(call.req, 409, "conflict", why));
  }
  spdlog::info("admin {}: online rebuild of projection {} requested", call.user->id, name);
  call.reply(json_response(call.req, 202, {{"name", name}, {"status", "rebuilding"}}));
}

void post_backup(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  const auto& req = call.req;
  const auto& reply = call.reply;
  const auto& user = *call.user;
  auto root = ctx.options.data;
  root += ".backups";
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  auto dir = std::filesystem::absolute(root / backup_name(), ec);
  auto position = ctx.store.last_position();
  auto head = ctx.store.head_hash();
  if (auto done = ctx.store.checkpoint(dir); !done) {
    spdlog::error("admin {}: backup to {} failed: {}", user.id, dir.string(), done.error().message);
    return reply(error_response(req, 500, "internal", "backup failed; see the server log"));
  }
  // The log's signing key goes with it (the default one lives in the data folder).
  if (std::filesystem::exists(ctx.options.data / "log-key", ec)) {
    std::filesystem::copy_file(ctx.options.data / "log-key", dir / "log-key", ec);
    if (ec)
      spdlog::error("backup {}: the log's key was not copied: {}", dir.string(), ec.message());
  }
  spdlog::info("admin {}: online backup at position {} written to {}", user.id, position,
               dir.string());
  reply(json_response(req, 201, {{"path", dir.string()}, {"position", position}, {"head", head}}));
}

}  // namespace grappe::server
