// GET /api/grappes, /api/grappes/{grappe}[/events|/state], POST /api/grappes/{grappe}/commands.
// GET /api/grappes/{grappe}/suggestions: api_suggestions.cpp.
#include <charconv>

#include "api_handlers.h"
#include "cursor.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"
#include "grappe_list.h"
#include "json_util.h"
#include "projector.h"

namespace grappe::server {

namespace {

constexpr std::size_t kPage = 500;
constexpr std::size_t kListPage = 100;  // GET /api/grappes with a cursor and no limit
constexpr std::size_t kMaxListPage = 1000;

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void get_events(ServerContext& ctx, const Request& req, const std::string& id, const Reply& reply) {
  auto from_text = query_param(req.target(), "fromVersion");
  auto limit_text = query_param(req.target(), "limit");
  auto from = from_text.empty() ? std::optional<std::uint64_t>(0) : parse_u64(from_text);
  auto limit = limit_text.empty() ? std::optional<std::uint64_t>(kPage) : parse_u64(limit_text);
  if (!from || !limit || *limit == 0 || *limit > 5000) {
    return reply(error_response(req, 400, "bad_request",
                                "fromVersion must be an integer ≥ 0 and limit 1–5000"));
  }
  auto page =
      ctx.store.read_stream(domain::grappe_stream(id), *from, *limit, es::Direction::kForward);
  if (!page) return reply(error_response(req, 500, "internal", "reading the log failed"));
  auto events = nlohmann::json::array();
  for (const auto& record : *page) {
    events.push_back(stored_event_json(record));
  }
  reply(json_response(req, 200, {{"events", std::move(events)}}));
}

void get_state_at(ServerContext& ctx, const Request& req, const std::string& id,
                  const Reply& reply) {
  auto version_text = query_param(req.target(), "atVersion");
  auto at_text = query_param(req.target(), "at");
  std::optional<std::uint64_t> at_version;
  std::optional<domain::Timestamp> at_time;
  if (!version_text.empty() && !(at_version = parse_u64(version_text))) {
    return reply(error_response(req, 400, "bad_request", "atVersion must be an integer ≥ 0"));
  }
  if (!at_text.empty() && !(at_time = domain::parse_timestamp(at_text))) {
    return reply(error_response(req, 400, "bad_request",
                                "at must be an RFC 3339 UTC timestamp (2026-11-23T10:15:02.123Z)"));
  }
  if (!at_version && !at_time) {
    return reply(error_response(req, 400, "bad_request", "give atVersion or at"));
  }
  auto state = fold_until(ctx.store, id, at_version, at_time);
  if (!state) return reply(error_response(req, 500, "internal", "reading the log failed"));
  if (!state->exists()) {
    return reply(error_response(req, 404, "not_found", "the grappe did not exist then"));
  }
  reply(json_response(req, 200, domain::to_json(*state)));
}

}  // namespace

// The grappe's state folded from its stream up to version `at_version` (inclusive) or up to
// the last event at or before `at_time`.
std::expected<domain::GrappeState, std::string> fold_until(
    es::Store& store, const std::string& id, std::optional<std::uint64_t> at_version,
    std::optional<domain::Timestamp> at_time) {
  domain::GrappeState state;
  auto stream = domain::grappe_stream(id);
  std::uint64_t from = 0;
  for (;;) {
    auto page = store.read_stream(stream, from, kPage, es::Direction::kForward);
    if (!page) return std::unexpected(page.error().message);
    for (const auto& record : *page) {
      if (at_version && record.version > *at_version) return state;
      if (at_time && record.timestamp > *at_time) return state;
      auto event = domain::decode(record.type, nlohmann::json::parse(record.data, nullptr, false));
      if (event) state = domain::evolve(std::move(state), *event, event_meta(record));
      from = record.version;
    }
    if (page->size() < kPage) return state;
  }
}

// The grappe of the call when its user may read it; else answers 404 and gives nullopt.
std::optional<domain::GrappeState> readable_grappe(ServerContext& ctx, Call& call) {
  auto state = ctx.models.grappe(call.params.grappe);
  if (!state || !domain::may_read(*call.user, *state, *ctx.registries.current())) {
    call.reply(error_response(call.req, 404, "not_found", "no such grappe, or not visible to you"));
    return std::nullopt;
  }
  return state;
}

// Without `limit` nor `cursor` the whole list (PROTOCOL.md); with either, one page of it and
// `nextCursor` (README "Protocol additions").
void get_grappes(ServerContext& ctx, Call& call) {
  const auto& req = call.req;
  const auto& user = *call.user;
  auto call_id = query_param(req.target(), "call");
  auto region = query_param(req.target(), "region");
  auto status = query_param(req.target(), "status");
  const auto registry = ctx.registries.current();
  auto keep = [&](const domain::GrappeState& s) {
    return (call_id.empty() || s.call == call_id) && (region.empty() || s.region == region) &&
           (status.empty() || domain::to_string(s.status) == status) &&
           domain::may_read(user, s, *registry);
  };
  auto list = nlohmann::json::array();
  if (!has_query_param(req.target(), "limit") && !has_query_param(req.target(), "cursor")) {
    for (const auto& s : ctx.models.grappes(keep)) list.push_back(list_item(user, s));
    return call.reply(
        json_response(req, 200, {{"grappes", std::move(list)}, {"nextCursor", nullptr}}));
  }
  const auto limit = query_limit(req.target(), kListPage, kMaxListPage);
  const auto cursor = query_param(req.target(), "cursor");
  const auto after = cursor.empty() ? std::nullopt : decode_cursor(cursor, 2);
  if (!limit || (!cursor.empty() && !after)) {
    return call.reply(error_response(
        req, 400, "bad_request",
        "limit doit être un entier de 1 à 1000 et cursor la valeur nextCursor d’une page"));
  }
  const auto from =
      after ? std::pair((*after)[0], (*after)[1]) : std::pair<std::string, std::string>();
  std::vector<ReadModels::Facet> facets;
  if (!call_id.empty()) facets.emplace_back("call", call_id);
  if (!region.empty()) facets.emplace_back("region", region);
  if (!status.empty()) facets.emplace_back("status", status);
  auto page = ctx.models.grappe_page(keep, facets, after ? &from : nullptr, *limit);
  for (const auto& s : page.grappes) list.push_back(list_item(user, s));
  nlohmann::json next = nullptr;
  if (page.more) next = encode_cursor({page.grappes.back().name, page.grappes.back().id});
  call.reply(json_response(req, 200, {{"grappes", std::move(list)}, {"nextCursor", next}}));
}

void get_grappe(ServerContext& ctx, Call& call) {
  if (auto state = readable_grappe(ctx, call)) {
    call.reply(json_response(call.req, 200, domain::to_json(*state)));
  }
}

void get_grappe_events(ServerContext& ctx, Call& call) {
  if (readable_grappe(ctx, call)) get_events(ctx, call.req, call.params.grappe, call.reply);
}

void get_grappe_state(ServerContext& ctx, Call& call) {
  if (readable_grappe(ctx, call)) get_state_at(ctx, call.req, call.params.grappe, call.reply);
}

void post_command(ServerContext& ctx, Call& call) {
  auto& req = call.req;
  std::string why;
  auto body = parse_client_json(req.body(), why);
  if (!body) return call.reply(error_response(req, 400, "bad_request", why));
  (*body)["grappe"] = call.params.grappe;
  auto request = parse_command_request(*body);
  if (!request) return call.reply(json_response(req, 400, request.error().to_json()));
  if (call.peer.take_command && !call.peer.take_command()) {
    ctx.limits.count_rate_limited();
    return call.reply(json_response(req, 429, rate_limited(request->id).to_json()));
  }
  auto shared_req = std::make_shared<Request>(std::move(req));
  ctx.commands.execute(*call.user, std::move(*request),
                       [shared_req, reply = call.reply](CommandAnswer answer) {
                         reply(json_response(*shared_req, answer.http_status(), answer.to_json()));
                       });
}

}  // namespace grappe::server
