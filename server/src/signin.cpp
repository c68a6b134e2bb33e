#include "signin.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "oidc_http.h"

namespace grappe::server {

SignIn::SignIn(oidc::ClientConfig config, es::Store& store, const Options& options)
    : oidc(std::move(config)),
      sessions(store, options.session_idle, options.session_max, options.oidc_issuer),
      access(store) {}

std::expected<void, std::string> finish_signin_options(Options& o, const std::string& idle,
                                                       const std::string& max) {
  auto i = parse_duration(idle);
  auto m = parse_duration(max);
  if (!i || !m) return std::unexpected("--session-idle and --session-max expect 90s, 30m, 8h, 7d");
  o.session_idle = *i;
  o.session_max = *m;
  while (o.oidc_issuer.ends_with('/')) o.oidc_issuer.pop_back();
  if (o.oidc_issuer.empty()) return {};
  if (!oidc::allowed_url(o.oidc_issuer))
    return std::unexpected(
        "--oidc-issuer expects an https:// URL (http:// only on loopback: 127.0.0.0/8, ::1, "
        "localhost)");
  if (o.oidc_client_id.empty() || o.oidc_client_secret_file.empty())
    return std::unexpected("--oidc-issuer needs --oidc-client-id and --oidc-client-secret-file");
  return {};
}

std::unique_ptr<SignIn> make_signin(const Options& options, es::Store& store,
                                    const std::string& listen_url) {
  if (options.oidc_issuer.empty()) return nullptr;
  std::ifstream in(options.oidc_client_secret_file);
  std::stringstream text;
  text << in.rdbuf();
  auto secret = text.str();
  while (!secret.empty() &&
         (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
    secret.pop_back();
  if (!in || secret.empty())
    throw std::runtime_error("--oidc-client-secret-file: cannot read a secret from " +
                             options.oidc_client_secret_file.string());
  auto base = options.public_url.empty() ? listen_url : options.public_url;
  oidc::ClientConfig config{options.oidc_issuer, options.oidc_client_id, secret,
                            base + "/auth/callback"};
  auto signin = std::make_unique<SignIn>(std::move(config), store, options);
  signin->secure_cookies = base.starts_with("https://");
  if (auto loaded = signin->sessions.load(); !loaded)
    throw std::runtime_error("sessions: " + loaded.error());
  if (auto loaded = signin->access.load(); !loaded)
    throw std::runtime_error("access requests: " + loaded.error());
  spdlog::info("sign-in: OpenID Connect with {} (client {}), callback {}/auth/callback",
               options.oidc_issuer, options.oidc_client_id, base);
  return signin;
}

}  // namespace grappe::server
