// GET /api/audit/verify: the log's hash chain recomputed, for auditors and admins.
#include <boost/asio/post.hpp>

#include "api_handlers.h"

namespace grappe::server {

void get_verify(ServerContext& ctx, Call& call) {
  const auto& user = *call.user;
  if (user.role != domain::Role::kAuditor && user.role != domain::Role::kAdmin) {
    return call.reply(error_response(call.req, 403, "forbidden", "auditors and admins only"));
  }
  // Recomputing the chain reads the whole log: not on the connection's thread.
  boost::asio::post(ctx.background, [&ctx, req = call.req, reply = call.reply] {
    auto result = ctx.store.verify();
    nlohmann::json body = {{"ok", result.ok},
                           {"events", result.events},
                           {"head", result.head},
                           {"root", result.root},
                           {"checkpoint", result.checkpoint}};
    if (result.first_bad_position) {
      body["firstBadPosition"] = *result.first_bad_position;
      body["problem"] = result.problem;
    }
    reply(json_response(req, 200, body));
  });
}

}  // namespace grappe::server
