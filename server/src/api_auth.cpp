// GET /auth/login, GET /auth/callback, POST /auth/logout (PROTOCOL.md v2), and what cookie
// authentication needs (signin.h). Errors of the sign-in send the browser back to the sign-in
// page with `/#/connexion?erreur=CODE` and a log line saying why (never a token).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api_handlers.h"
#include "handshake.h"
#include "signin.h"
#include "ws_protocol.h"

namespace grappe::server {

namespace http = boost::beast::http;

namespace {

Response redirect(const Request& req, const std::string& location) {
  Response res{http::status::found, req.version()};
  res.set(http::field::location, location);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

std::string cookie(const SignIn& s, std::string_view name, const std::string& value, long max_age) {
  std::string c = std::string(name) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax";
  c += "; Max-Age=" + std::to_string(max_age);
  if (s.secure_cookies) c += "; Secure";
  return c;
}

// A provider's string fit for a log line.
std::string printable(std::string text) {
  if (text.size() > 200) text.resize(200);
  std::ranges::replace_if(
      text, [](char c) { return c < 0x20 || c > 0x7e; }, '?');
  return text;
}

Response failed(const Request& req, std::string_view code, std::string_view why) {
  spdlog::warn("auth: sign-in failed ({}): {}", code, printable(std::string(why)));
  auto res = redirect(req, "/#/connexion?erreur=" + std::string(code));
  return res;
}

}  // namespace

std::string cookie_value(const Request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (part.starts_with(' ')) part.remove_prefix(1);
      if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
        return std::string(part.substr(name.size() + 1));
    }
  }
  return {};
}

std::optional<domain::User> session_user(const ServerContext& ctx, const Identity& identity) {
  // Every request authenticated by cookie asks: an index, not a scan of the users.
  return ctx.models.user_by_email(identity.email);
}

bool csrf_ok(const ServerContext& ctx, const Request& req) {
  auto m = req.method();
  if (m == http::verb::get || m == http::verb::head || m == http::verb::options) return true;
  if (auto h = req.find(kCsrfHeader); h != req.end() && h->value() == "1") return true;
  auto origin = req.find(http::field::origin);
  if (origin == req.end()) return false;
  auto allowed = ctx.options.allowed_origins;
  if (!ctx.options.public_url.empty()) {
    const auto& url = ctx.options.public_url;
    auto slash = url.find('/', url.find("://") + 3);
    allowed.push_back(url.substr(0, slash));
  }
  return origin_allowed(origin->value(), req[http::field::host], allowed);
}

void get_login(ServerContext& ctx, Call& call) {
  auto req = std::make_shared<Request>(std::move(call.req));
  auto reply = call.reply;
  auto* signin = ctx.signin;
  signin->oidc.begin([req, reply, signin](std::expected<oidc::Start, std::string> start) {
    if (!start) return reply(failed(*req, "fournisseur", start.error()));
    auto res = redirect(*req, start->url);
    res.set(http::field::set_cookie, cookie(*signin, kPendingCookie, start->cookie, 600));
    reply(std::move(res));
  });
}

void get_callback(ServerContext& ctx, Call& call) {
  auto req = std::make_shared<Request>(std::move(call.req));
  auto reply = call.reply;
  auto* signin = ctx.signin;
  auto pending = cookie_value(*req, kPendingCookie);
  auto error = query_param(req->target(), "error");
  if (!error.empty()) {
    signin->oidc.forget(pending);
    std::ranges::replace_if(
        error, [](char c) { return c < 0x20 || c > 0x7e; }, '?');
    return reply(failed(*req, "fournisseur", "the provider answered error=" + error.substr(0, 64)));
  }
  auto state = query_param(req->target(), "state");
  auto code = query_param(req->target(), "code");
  signin->oidc.finish(pending, state, code, [&ctx, req, reply, signin](auto identity) {
    if (!identity) return reply(failed(*req, "jeton", identity.error()));
    auto who = *identity;
    if (!signin->sessions.subject_matches(who)) {
      return reply(failed(*req, "jeton",
                          "the provider's subject for this address is not the one it gave before"));
    }
    // A sign-in in a browser already signed in replaces its session.
    if (auto previous = cookie_value(*req, kSessionCookie); !previous.empty()) {
      signin->sessions.end(previous, "replaced", [&ctx](std::string hash) {
        if (!hash.empty()) ctx.sessions.close_browser_session(hash, kCloseUnauthorized);
      });
    }
    signin->sessions.start(who, [&ctx, req, reply, signin, who](auto id) {
      if (!id) return reply(failed(*req, "serveur", "session not written: " + id.error()));
      bool known = session_user(ctx, who).has_value();
      spdlog::info("auth: {} signed in{}", printable(who.email), known ? "" : " (no user yet)");
      auto res = redirect(*req, known ? "/" : "/#/acces");
      res.insert(http::field::set_cookie,
                 cookie(*signin, kSessionCookie, *id, ctx.options.session_max.count()));
      res.insert(http::field::set_cookie, cookie(*signin, kPendingCookie, "", 0));
      reply(std::move(res));
    });
  });
}

void post_logout(ServerContext& ctx, Call& call) {
  auto req = std::make_shared<Request>(std::move(call.req));
  auto reply = call.reply;
  auto* signin = ctx.signin;
  auto id = cookie_value(*req, kSessionCookie);
  signin->sessions.end(id, "logout", [&ctx, req, reply, signin](std::string hash) {
    if (!hash.empty()) ctx.sessions.close_browser_session(hash, kCloseUnauthorized);
    auto res = json_response(*req, 200, {{"signedOut", !hash.empty()}});
    res.set(http::field::set_cookie, cookie(*signin, kSessionCookie, "", 0));
    reply(std::move(res));
  });
}

}  // namespace grappe::server
