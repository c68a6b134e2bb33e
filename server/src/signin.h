// Sign-in by OpenID Connect (PROTOCOL.md v2): the relying party, the browser sessions and the
// access requests, built in main() when --oidc-issuer is given (ServerContext::signin is null
// otherwise). The HTTP side: api_auth.cpp (/auth/login, /auth/callback, /auth/logout),
// api_access.cpp (/api/access-requests); cookie authentication: http_api.cpp.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "access_requests.h"
#include "api.h"
#include "oidc_client.h"
#include "session_store.h"

namespace grappe::server {

inline constexpr std::string_view kSessionCookie = "grappe_session";
inline constexpr std::string_view kPendingCookie = "grappe_oidc";  // a sign-in in progress
inline constexpr std::string_view kCsrfHeader = "X-Grappe-CSRF";

struct SignIn {
  SignIn(oidc::ClientConfig config, es::Store& store, const Options& options);
  oidc::Client oidc;
  SessionStore sessions;
  AccessRequests access;
  bool secure_cookies = false;  // --public-url is https
};

// Completes the sign-in options: the durations parsed, the issuer's trailing slash dropped, the
// client id and secret file required with an issuer. The error is for the operator.
std::expected<void, std::string> finish_signin_options(Options& o, const std::string& idle,
                                                       const std::string& max);
// The sign-in of `options` (nullptr without --oidc-issuer), its sessions and access requests
// read from the log; `listen_url` stands for --public-url when it is not given. Throws
// std::runtime_error when the secret cannot be read or the log read fails.
std::unique_ptr<SignIn> make_signin(const Options& options, es::Store& store,
                                    const std::string& listen_url);

// The value of cookie `name` in the request's Cookie headers; empty when absent.
std::string cookie_value(const Request& req, std::string_view name);
// The user of a session: the one holding its e-mail address (case-insensitive), if any.
std::optional<domain::User> session_user(const ServerContext& ctx, const Identity& identity);
// A state-changing request authenticated by cookie is accepted only with the server's Origin
// (its Host, --public-url or --allowed-origin) or with `X-Grappe-CSRF: 1`.
bool csrf_ok(const ServerContext& ctx, const Request& req);

}  // namespace grappe::server
