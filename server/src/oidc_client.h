// The OpenID Connect relying party (authorization code flow, PKCE S256, state and nonce): the
// provider's discovery document and JWKS, fetched on demand and cached (the JWKS fetched again
// when a token names an unknown `kid`, at most once per `jwks_min_interval`), the sign-ins in
// progress (each bound to a random pre-session cookie, ten minutes, single use), and the ID
// token's checks (oidc_jose.h). Every HTTP call runs on the client's two worker threads, never on
// the caller's: `done` runs there. Thread-safe.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "identity.h"
#include "oidc_jose.h"

namespace grappe::server::oidc {

struct ClientConfig {
  std::string issuer;  // without a trailing slash
  std::string client_id, client_secret;
  std::string redirect_uri;  // public URL + /auth/callback
  std::string scope = "openid email given_name usual_name uid siret organizational_unit";
  std::chrono::seconds jwks_min_interval{5};
  std::chrono::seconds pending_lifetime{600};
  std::size_t max_pending = 10000;  // sign-ins in progress; beyond, the oldest is dropped
};

// A sign-in begun: where to send the browser, and the pre-session cookie's value.
struct Start {
  std::string url;
  std::string cookie;
};

class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();  // waits for the calls in flight
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Waits for the calls in flight; the queued ones are not run. Idempotent.
  void stop() {
    workers_.stop();
    workers_.join();
  }
  // A new sign-in (fetches the discovery document when not cached). The error is for the log.
  void begin(std::function<void(std::expected<Start, std::string>)> done);
  // The provider sent the browser back with `state` and `code`; `cookie` is the pre-session
  // cookie it carried. The pending sign-in is spent whatever the outcome (a replayed state
  // fails); the code is exchanged, the ID token checked, userinfo asked when it lacks `email`.
  // An `email_verified` other than true refuses the sign-in (ProConnect sends none).
  void finish(std::string cookie, std::string state, std::string code,
              std::function<void(std::expected<Identity, std::string>)> done);
  // Drops the pending sign-in of `cookie` (the provider answered with an error).
  void forget(const std::string& cookie);

 private:
  struct Pending {
    std::string state, nonce, verifier;
    std::chrono::steady_clock::time_point expires;
  };
  std::expected<nlohmann::json, std::string> discovery();
  std::expected<nlohmann::json, std::string> fetch_discovery();
  std::expected<Start, std::string> start_signin();  // begin's work, on a worker
  // The keys, fetched when never fetched or when `refresh` and the interval allows.
  std::expected<std::vector<Jwk>, std::string> keys(bool refresh);
  // The ID token (or a signed userinfo answer) checked for its signature.
  std::expected<nlohmann::json, std::string> verified_payload(const std::string& token);
  std::expected<Identity, std::string> exchange(const Pending& pending, const std::string& code);

  ClientConfig config_;
  std::mutex mu_;
  nlohmann::json discovery_;  // null until fetched
  std::chrono::steady_clock::time_point discovery_at_;
  std::string discovery_error_;  // the last failure, answered again for 10 s
  std::chrono::steady_clock::time_point discovery_failed_at_;
  std::vector<Jwk> keys_;
  bool keys_fetched_ = false;
  std::chrono::steady_clock::time_point keys_at_;
  std::map<std::string, Pending> pending_;  // by SHA-256 of the cookie
  boost::asio::thread_pool workers_{2};
};

}  // namespace grappe::server::oidc
