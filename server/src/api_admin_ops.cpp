// Admin API: read models (GET /api/admin/projections, POST …/{name}/rebuild) and online backups
// (POST /api/admin/backup).
#include <spdlog/spdlog.h>

#include <chrono>

#include "api_routes.h"
#include "json_util.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

bool is_admin(const domain::User& u) {
  return u.role == domain::Role::kAdmin;
}

nlohmann::json projections_json(Core& core) {
  auto head = core.store.last_position();
  auto list = nlohmann::json::array();
  for (const auto& s : core.models.status()) {
    nlohmann::json p{{"name", s.name},
                     {"position", s.position},
                     {"lag", head > s.position ? head - s.position : 0},
                     {"status", s.rebuilding ? "rebuilding" : "live"},
                     {"entries", s.size}};
    if (s.rebuilding) p["progress"] = s.progress;
    list.push_back(std::move(p));
  }
  return {{"projections", std::move(list)}, {"appliedSinceStart", core.models.applied()}};
}

// A folder name for a backup taken now: 2026-11-23T10-15-02.123Z (no ':' for other systems).
std::string backup_name() {
  auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto name = es::format_timestamp(now);
  std::ranges::replace(name, ':', '-');
  return name;
}

}  // namespace

void admin_projections(Core& core, const Request& req, const domain::User& user,
                       std::string_view rest, const Reply& reply) {
  if (!is_admin(user)) return reply(error_response(req, 403, "forbidden", "admins only"));
  if (rest.empty() && req.method() == http::verb::get) {
    return reply(json_response(req, 200, projections_json(core)));
  }
  constexpr std::string_view kRebuild = "/rebuild";
  if (rest.starts_with("/") && rest.ends_with(kRebuild) && rest.size() > kRebuild.size() + 1) {
    std::string name(rest.substr(1, rest.size() - 1 - kRebuild.size()));
    if (!ReadModels::known(name)) {
      return reply(error_response(req, 404, "not_found", "no such projection"));
    }
    if (req.method() != http::verb::post) {
      return reply(error_response(req, 405, "bad_request", "use POST to rebuild"));
    }
    std::string why;
    if (!core.projector.rebuild(name, why)) {
      return reply(error_response(req, 409, "conflict", why));
    }
    spdlog::info("admin {}: online rebuild of projection {} requested", user.id, name);
    return reply(json_response(req, 202, {{"name", name}, {"status", "rebuilding"}}));
  }
  reply(error_response(req, 404, "not_found", "no such endpoint"));
}

void admin_backup(Core& core, const Request& req, const domain::User& user, const Reply& reply) {
  if (!is_admin(user)) return reply(error_response(req, 403, "forbidden", "admins only"));
  if (req.method() != http::verb::post) {
    return reply(error_response(req, 405, "bad_request", "use POST to take a backup"));
  }
  auto root = core.options.data;
  root += ".backups";
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  auto dir = std::filesystem::absolute(root / backup_name(), ec);
  auto position = core.store.last_position();
  auto head = core.store.head_hash();
  if (auto done = core.store.checkpoint(dir); !done) {
    spdlog::error("admin {}: backup to {} failed: {}", user.id, dir.string(), done.error().message);
    return reply(error_response(req, 500, "internal", "backup failed; see the server log"));
  }
  spdlog::info("admin {}: online backup at position {} written to {}", user.id, position,
               dir.string());
  reply(json_response(req, 201, {{"path", dir.string()}, {"position", position}, {"head", head}}));
}

}  // namespace grappe::server
