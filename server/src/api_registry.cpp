// GET /api/registry (any signed-in user): the registry in service. GET /api/admin/registry
// (admin): the same and the last or running upload, with its progress and skipped rows. The
// upload itself, POST /api/admin/registry, is streamed by the HTTP session (registry_upload.cpp).
#include "api_handlers.h"

namespace grappe::server {

void get_registry(ServerContext& ctx, Call& call) {
  call.reply(json_response(call.req, 200, ctx.registries.info().to_json()));
}

void get_registry_status(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  call.reply(json_response(call.req, 200, ctx.registries.status_json()));
}

}  // namespace grappe::server
