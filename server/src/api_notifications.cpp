// Admin API of the notifier: GET /api/admin/notifications (the last sends and failures, the
// checkpoint, the digest's state) and POST /api/admin/notifications/digest (sends the daily
// digest now: the admin trigger, used by the tests instead of waiting for the digest hour).
#include "api_handlers.h"
#include "notifier.h"

namespace grappe::server {

void get_notifications(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  if (!ctx.notifier) {
    return call.reply(json_response(call.req, 200,
                                    {{"enabled", false},
                                     {"sent", nlohmann::json::array()},
                                     {"failures", nlohmann::json::array()}}));
  }
  call.reply(json_response(call.req, 200, ctx.notifier->status()));
}

void post_digest(ServerContext& ctx, Call& call) {
  if (!admins_only(call)) return;
  if (!ctx.notifier) {
    return call.reply(error_response(call.req, 409, "invalid_state", "no --smtp: nothing is sent"));
  }
  ctx.notifier->request_digest();
  call.reply(json_response(call.req, 202, {{"digest", "requested"}}));
}

}  // namespace grappe::server
