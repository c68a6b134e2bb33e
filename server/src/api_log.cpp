// The verifiable log over HTTP (PROTOCOL.md v2, "Verifiable history"): GET /checkpoint,
// /tile/…, /api/log/key, /api/log/proof/{inclusion,consistency}, /api/grappes/{grappe}/receipt,
// POST /api/log/cosignature.
#include <boost/asio/post.hpp>
#include <charconv>

#include "api_handlers.h"
#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "grappe/tlog/note.h"
#include "projector.h"
#include "transparency.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

Response bytes_response(const Request& req, std::string_view type, std::string body,
                        bool immutable) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control,
          immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set(http::field::access_control_allow_origin, "*");  // public, verifiable by anyone
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  return res;
}

nlohmann::json hashes_json(const std::vector<std::string>& hashes) {
  auto out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(tlog::base64(h));
  return out;
}

// "x001/x234/067" → 1234067 (C2SP tlog-tiles): three digits a group, all but the last after x.
std::optional<std::uint64_t> tile_index(const std::vector<std::string_view>& groups) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto g = groups[i];
    const bool last = i + 1 == groups.size();
    if (!last) {
      if (!g.starts_with('x')) return std::nullopt;
      g.remove_prefix(1);
    }
    auto digits = number(g);
    if (g.size() != 3 || !digits || n > (UINT64_MAX - *digits) / 1000) return std::nullopt;
    n = n * 1000 + *digits;
  }
  return groups.empty() ? std::nullopt : std::optional(n);
}

// Whether `user` may read grappe `id`, without copying its state (it may hold thousands of
// comments).
bool may_read_grappe(ServerContext& ctx, const domain::User& user, const std::string& id) {
  bool may = false;
  ctx.models.read_for_decision(id, [&](const domain::GrappeState* state, const auto&) {
    may = state && domain::may_read(user, *state, *ctx.registries.current());
  });
  return may;
}

// Whether the caller may see the record at `position` (its grappe readable, or an auditor/admin).
bool may_see_position(ServerContext& ctx, const domain::User& user, std::uint64_t position) {
  if (user.role == domain::Role::kAuditor || user.role == domain::Role::kAdmin) return true;
  auto records = ctx.store.read_all(position - 1, 1);
  if (!records || records->empty()) return false;
  const auto& stream = (*records)[0].stream;
  if (domain::stream_kind(stream) != domain::StreamKind::kGrappe) return false;
  return may_read_grappe(ctx, user, std::string(domain::stream_id(stream)));
}

}  // namespace

Response get_tile(ServerContext& ctx, const Request& req, std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::string_view rest = path.substr(std::string_view("/tile/").size()); !rest.empty();) {
    auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (!parts.empty() && parts[0] == "entries") {
    return error_response(req, 404, "not_found", "entry tiles are not served: events are private");
  }
  std::optional<std::uint64_t> level;
  if (!parts.empty()) level = number(parts[0]);
  unsigned width = 256;
  if (parts.size() >= 3 && parts[parts.size() - 2].ends_with(".p")) {
    auto w = number(parts.back());
    if (!w || *w == 0 || *w >= 256) return error_response(req, 404, "not_found", "no such tile");
    width = static_cast<unsigned>(*w);
    parts.pop_back();
    parts.back().remove_suffix(2);
  }
  auto index = tile_index({parts.begin() + (parts.empty() ? 0 : 1), parts.end()});
  if (!level || *level > 6 || !index) {
    return error_response(req, 404, "not_found", "no such tile (tile/<L>/<N>[.p/<W>])");
  }
  auto tile = ctx.store.tile(static_cast<unsigned>(*level), *index, width);
  if (!tile) return error_response(req, 404, "not_found", "no such tile yet");
  return bytes_response(req, "application/octet-stream", std::move(*tile), width == 256);
}

void get_checkpoint(ServerContext& ctx, Call& call) {
  auto size_text = query_param(call.req.target(), "size");
  auto size = number(size_text);
  if (!size_text.empty() && !size) {
    return call.reply(error_response(call.req, 400, "bad_request", "size must be an integer"));
  }
  auto c = ctx.tlog.checkpoint(size_text.empty() ? std::nullopt : size);
  if (!c) return call.reply(error_response(call.req, 404, "not_found", "no such checkpoint"));
  call.reply(bytes_response(call.req, "text/plain; charset=utf-8", c->note, false));
}

void get_log_key(ServerContext& ctx, Call& call) {
  call.reply(json_response(
      call.req, 200, {{"origin", ctx.tlog.origin()}, {"verifierKey", ctx.tlog.verifier_key()}}));
}

void get_consistency(ServerContext& ctx, Call& call) {
  auto from = number(query_param(call.req.target(), "from"));
  auto to = number(query_param(call.req.target(), "to"));
  if (!from || !to || *from == 0 || *from > *to) {
    return call.reply(
        error_response(call.req, 400, "bad_request", "give from and to with 0 < from <= to"));
  }
  auto proof = ctx.store.consistency_proof(*from, *to);
  if (!proof)
    return call.reply(error_response(call.req, 400, "bad_request", proof.error().message));
  call.reply(
      json_response(call.req, 200, {{"from", *from}, {"to", *to}, {"proof", hashes_json(*proof)}}));
}

void get_inclusion(ServerContext& ctx, Call& call) {
  auto position = number(query_param(call.req.target(), "position"));
  auto size = number(query_param(call.req.target(), "size"));
  if (!position || !size || *position == 0 || *position > *size) {
    return call.reply(error_response(call.req, 400, "bad_request",
                                     "give position and size with 0 < position <= size"));
  }
  if (*size > ctx.store.last_position() || !may_see_position(ctx, *call.user, *position)) {
    return call.reply(
        error_response(call.req, 404, "not_found", "no such event, or not visible to you"));
  }
  auto proof = ctx.store.inclusion_proof(*position - 1, *size);
  if (!proof) return call.reply(error_response(call.req, 500, "internal", proof.error().message));
  call.reply(json_response(
      call.req, 200, {{"position", *position}, {"size", *size}, {"proof", hashes_json(*proof)}}));
}

void get_receipt(ServerContext& ctx, Call& call) {
  auto state = ctx.models.grappe(call.params.grappe);
  auto version = number(query_param(call.req.target(), "version"));
  if (!state || !domain::may_read(*call.user, *state, *ctx.registries.current()) || !version ||
      *version == 0) {
    return call.reply(error_response(call.req, 404, "not_found",
                                     "no such grappe or version, or not visible to you"));
  }
  // Signing a checkpoint that covers the event may write to disk: off the network thread.
  boost::asio::post(ctx.readers, [&ctx, req = call.req, reply = call.reply, id = call.params.grappe,
                                  v = *version] {
    auto records =
        ctx.store.read_stream(domain::grappe_stream(id), v - 1, 1, es::Direction::kForward);
    if (!records || records->empty() || (*records)[0].version != v) {
      return reply(error_response(req, 404, "not_found", "no such version of this grappe"));
    }
    const auto& r = (*records)[0];
    auto c = ctx.tlog.covering(r.position);
    auto bytes = ctx.store.record_bytes(r.position);
    auto proof = c ? ctx.store.inclusion_proof(r.position - 1, c->size)
                   : std::unexpected(es::StoreError{es::StoreErrc::kIo, c.error(), {}});
    if (!c || !bytes || !proof) {
      return reply(error_response(req, 503, "internal", "the receipt cannot be made now; retry"));
    }
    reply(json_response(req, 200,
                        {{"grappe", id},
                         {"version", v},
                         {"position", r.position},
                         {"event", stored_event_json(r)},
                         {"record", tlog::base64(*bytes)},
                         {"leafHash", tlog::base64(tlog::sha256(std::string(1, '\0') + *bytes))},
                         {"checkpoint", c->note},
                         {"size", c->size},
                         {"proof", hashes_json(*proof)}}));
  });
}

void post_cosignature(ServerContext& ctx, Call& call) {
  auto added = ctx.tlog.add_cosignature(call.req.body());
  if (!added) return call.reply(error_response(call.req, 403, "forbidden", added.error()));
  Response res{http::status::no_content, call.req.version()};
  res.keep_alive(call.req.keep_alive());
  call.reply(std::move(res));
}

}  // namespace grappe::server
