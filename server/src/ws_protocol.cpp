#include "ws_protocol.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "command_service.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "grappe_list.h"
#include "json_util.h"
#include "projector.h"
#include "signin.h"
#include "version.h"

namespace grappe::server {

namespace {

// The connection in logs.
const void* tag(const ClientContext& ctx) {
  return &ctx.state;
}

void send_json(ClientContext& ctx, const nlohmann::json& msg) {
  ctx.link.send(std::make_shared<const std::string>(msg.dump()));
}

void send_error(ClientContext& ctx, const char* code, const std::string& message) {
  send_json(ctx, {{"type", "error"}, {"code", code}, {"message", message}});
}

// README "Extensions": an `error` answering a message that names a grappe (a well-formed id)
// carries it, so that the client knows which one.
void send_error(ClientContext& ctx, const std::optional<std::string>& grappe, const char* code,
                const std::string& message) {
  nlohmann::json msg = {{"type", "error"}, {"code", code}, {"message", message}};
  if (grappe && valid_client_id(*grappe)) msg["grappe"] = *grappe;
  send_json(ctx, msg);
}

// Before a successful hello anything else ends the connection: `error` then close 4401.
void refuse_unauthenticated(ClientContext& ctx, const char* code, const std::string& message) {
  send_error(ctx, code, message);
  ctx.link.close(kCloseUnauthorized);
}

void handle_hello(ClientContext& ctx, const nlohmann::json& msg) {
  auto& server = ctx.server;
  if (server.limits.auth_blocked(ctx.state.address)) {
    spdlog::info("ws {}: hello refused: too many failures from {}", tag(ctx),
                 address_key(ctx.state.address));
    send_error(ctx, "rate_limited",
               "too many failed sign-ins from this address; try again in a minute");
    return ctx.link.close(kCloseTooManyFailures);
  }
  bool bad = false;
  auto token = string_field(msg, "token", bad);
  auto user = token && !bad ? server.authenticate(*token) : std::nullopt;
  if (!token && !bad && server.signin && !ctx.state.session_cookie.empty()) {
    // No token: the sign-in session whose cookie came with the upgrade (signin.h).
    if (auto session = server.signin->sessions.find(ctx.state.session_cookie)) {
      user = session_user(server, session->identity);
      if (user) ctx.state.browser_session = session->hash;
    }
  }
  if (!user) {
    spdlog::info("ws {}: hello refused", tag(ctx));
    server.limits.auth_failed(ctx.state.address);
    return refuse_unauthenticated(ctx, "unauthorized", "unknown or revoked token");
  }
  ctx.state.user = std::move(user);
  ctx.link.signed_in(*ctx.state.user);
  spdlog::info("ws {}: hello from user {}", tag(ctx), ctx.state.user->id);
  send_json(ctx, {{"type", "welcome"},
                  {"user", domain::to_json(*ctx.state.user)},
                  {"server", {{"version", kServerVersion}}},
                  {"position", server.models.position()}});
}

// The events of `grappe` with version in (from, to], read on the reader pool (never on a network
// thread), then sent on the strand, followed by the live events held meanwhile.
void on_catch_up(ClientContext& ctx, const std::string& grappe, std::uint64_t generation,
                 std::uint64_t to, std::optional<std::vector<Frame>> frames) {
  auto it = ctx.state.subscribed.find(grappe);
  if (it == ctx.state.subscribed.end() || it->second.generation != generation) return;
  auto& sub = it->second;
  auto held = std::move(sub.held).value_or(std::vector<Delivery>{});
  sub.held.reset();
  if (!frames) {
    ctx.state.subscribed.erase(it);
    ctx.server.hub.unsubscribe(grappe, ctx.link.subscriber().get());
    return send_error(ctx, grappe, "internal",
                      "reading the grappe's history failed; subscribe again");
  }
  for (auto& f : *frames) {
    if (!ctx.link.send(std::move(f), false)) return;
  }
  sub.sent = std::max(sub.sent, to);
  for (auto& d : held) {
    if (d.version <= sub.sent) continue;
    sub.sent = d.version;
    if (!ctx.link.send(std::move(d.frame))) return;
  }
}

std::optional<std::vector<Frame>> read_events(es::Store& store, const std::string& grappe,
                                              std::uint64_t from, std::uint64_t to) {
  std::vector<Frame> frames;
  auto stream = domain::grappe_stream(grappe);
  for (auto at = from; at < to;) {
    auto page = store.read_stream(stream, at, std::min<std::uint64_t>(to - at, 500),
                                  es::Direction::kForward);
    if (!page || page->empty()) return std::nullopt;
    for (const auto& record : *page) {
      if (record.version > to) break;
      frames.push_back(std::make_shared<const std::string>(event_frame(grappe, record)));
      at = record.version;
    }
  }
  return frames;
}

void start_catch_up(ClientContext& ctx, const std::string& grappe, std::uint64_t from,
                    std::uint64_t to) {
  const auto generation = ctx.state.subscribed[grappe].generation;
  boost::asio::post(ctx.server.readers, [&store = ctx.server.store, &link = ctx.link, grappe, from,
                                         to, generation, keep = ctx.link.subscriber()] {
    auto frames = read_events(store, grappe, from, to);
    link.on_strand([grappe, generation, to, frames = std::move(frames)](ClientContext& c) mutable {
      on_catch_up(c, grappe, generation, to, std::move(frames));
    });
  });
}

void handle_subscribe(ClientContext& ctx, const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  if (!grappe || bad || !valid_client_id(*grappe)) {
    return send_error(ctx, grappe, "bad_request",
                      "subscribe needs a grappe id (1–64 of A-Z a-z 0-9 _ -)");
  }
  std::optional<std::uint64_t> from;
  if (auto it = msg.find("fromVersion"); it != msg.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      return send_error(ctx, grappe, "bad_request", "fromVersion must be a non-negative integer");
    }
    from = it->get<std::uint64_t>();
  }
  // Copy the state and join the hub while no record is being applied: every later event
  // reaches deliver(), and those at or below `version` are filtered out there.
  const auto& user = *ctx.state.user;
  bool readable = false;
  std::uint64_t version = 0;
  nlohmann::json state;
  ctx.server.models.with_grappe(*grappe, [&](const domain::GrappeState* s) {
    if (!s || !domain::may_read(user, *s, *ctx.server.registries.current())) return;
    readable = true;
    version = s->version;
    if (!from) state = domain::to_json(*s);
    ctx.server.hub.subscribe(*grappe, ctx.link.subscriber(),
                             PresenceEntry{user.id, user.name, "viewing", ""});
  });
  if (!readable) {
    return send_error(ctx, grappe, "not_found", "no such grappe, or not visible to you");
  }
  auto& sub = ctx.state.subscribed[*grappe];
  sub = {from ? std::min(*from, version) : version, ++ctx.state.generations, std::nullopt};
  if (!from) {
    ctx.link.send(std::make_shared<const std::string>(nlohmann::json{
                      {"type", "snapshot"},
                      {"grappe", *grappe},
                      {"version", version},
                      {"state", std::move(state)}}.dump()),
                  false);
    return;
  }
  if (*from < version) {
    sub.held.emplace();
    start_catch_up(ctx, *grappe, *from, version);
  }
}

void handle_unsubscribe(ClientContext& ctx, const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  if (!grappe || bad || !valid_client_id(*grappe)) {
    return send_error(ctx, grappe, "bad_request", "unsubscribe needs a grappe id");
  }
  ctx.state.subscribed.erase(*grappe);
  ctx.server.hub.unsubscribe(*grappe, ctx.link.subscriber().get());
  send_json(ctx, {{"type", "unsubscribed"}, {"grappe", *grappe}});
}

// README "Protocol additions": the list now, then each change of a grappe the user may read as
// `listItem`. Watching before reading leaves no gap: a change applied meanwhile comes as well
// (the client keeps the higher version).
void handle_subscribe_list(ClientContext& ctx) {
  const auto& user = *ctx.state.user;
  ctx.server.hub.lists().watch(ctx.link.subscriber(), user);
  const auto& registry = *ctx.server.registries.current();
  auto grappes = ctx.server.models.grappes(
      [&](const domain::GrappeState& s) { return domain::may_read(user, s, registry); });
  auto items = nlohmann::json::array();
  for (const auto& s : grappes) items.push_back(list_item(user, s));
  // Bounded: a client asking again and again without reading is closed (4408), not fed.
  ctx.link.send(std::make_shared<const std::string>(
                    nlohmann::json{{"type", "list"}, {"grappes", std::move(items)}}.dump()),
                true);
}

void handle_unsubscribe_list(ClientContext& ctx) {
  ctx.server.hub.lists().unwatch(ctx.link.subscriber().get());
  send_json(ctx, {{"type", "unsubscribedList"}});
}

void handle_presence(ClientContext& ctx, const nlohmann::json& msg) {
  bool bad = false;
  auto grappe = string_field(msg, "grappe", bad);
  auto status = string_field(msg, "status", bad);
  auto focus = string_field(msg, "focus", bad);
  if (bad || !grappe || !status || (*status != "viewing" && *status != "editing") ||
      (focus && focus->size() > 200)) {
    return send_error(ctx, grappe, "bad_request",
                      "presence needs grappe, status viewing|editing and an optional focus "
                      "(≤ 200 characters)");
  }
  if (!ctx.state.subscribed.contains(*grappe) ||
      !ctx.server.hub.set_presence(*grappe, ctx.link.subscriber().get(), *status,
                                   focus.value_or(""))) {
    return send_error(ctx, grappe, "bad_request",
                      "subscribe to the grappe before sending presence");
  }
}

void handle_command(ClientContext& ctx, const nlohmann::json& msg) {
  auto request = parse_command_request(msg);
  if (!request) return send_json(ctx, request.error().to_json());
  if (ctx.state.commands && !ctx.state.commands->take()) {
    ctx.server.limits.count_rate_limited();
    return send_json(ctx, rate_limited(request->id).to_json());
  }
  ctx.server.commands.execute(*ctx.state.user, std::move(*request),
                              [send = ctx.link.sender()](CommandAnswer answer) {
                                send(std::make_shared<const std::string>(answer.to_json().dump()));
                              });
}

}  // namespace

void handle_client_message(ClientContext& ctx, std::string_view text) {
  const bool signed_in = ctx.state.user.has_value();
  std::string why;
  auto msg = parse_client_json(text, why);
  if (!msg) {
    return signed_in ? send_error(ctx, "bad_request", why)
                     : refuse_unauthenticated(ctx, "bad_request", why);
  }
  bool bad = false;
  auto type = string_field(*msg, "type", bad);
  if (!type || bad) {
    const char* message = "a message needs a string field \"type\"";
    return signed_in ? send_error(ctx, "bad_request", message)
                     : refuse_unauthenticated(ctx, "bad_request", message);
  }
  if (!signed_in) {
    if (*type == "hello") return handle_hello(ctx, *msg);
    return refuse_unauthenticated(ctx, "unauthorized",
                                  "the first message must be hello with a valid token");
  }
  if (*type == "subscribe") return handle_subscribe(ctx, *msg);
  if (*type == "unsubscribe") return handle_unsubscribe(ctx, *msg);
  if (*type == "subscribeList") return handle_subscribe_list(ctx);
  if (*type == "unsubscribeList") return handle_unsubscribe_list(ctx);
  if (*type == "command") return handle_command(ctx, *msg);
  if (*type == "presence") return handle_presence(ctx, *msg);
  if (*type == "ping") return send_json(ctx, {{"type", "pong"}});
  if (*type == "hello") return send_error(ctx, "bad_request", "already signed in");
  send_error(ctx, "bad_request", "unknown message type");
}

void handle_binary_message(ClientContext& ctx) {
  if (!ctx.state.user) {
    return refuse_unauthenticated(ctx, "bad_request",
                                  "the first message must be hello, as JSON text");
  }
  send_error(ctx, "bad_request", "only text frames carrying JSON are understood");
}

void handle_hello_timeout(ClientContext& ctx) {
  if (ctx.state.user) return;
  spdlog::info("ws {}: no hello within {} s, closing 4401", tag(ctx),
               ctx.server.options.hello_timeout);
  ctx.server.limits.count_hello_timeout();
  refuse_unauthenticated(ctx, "unauthorized", "no hello with a valid token in time");
}

bool deliver(ClientContext& ctx, std::vector<Delivery>& deliveries) {
  for (auto& d : deliveries) {
    if (!d.grappe.empty()) {
      auto it = ctx.state.subscribed.find(d.grappe);
      if (it == ctx.state.subscribed.end() || d.version <= it->second.sent) continue;
      if (it->second.held) {
        it->second.held->push_back(std::move(d));
        continue;
      }
      it->second.sent = d.version;
    }
    if (!ctx.link.send(std::move(d.frame))) return false;
  }
  return true;
}

}  // namespace grappe::server
