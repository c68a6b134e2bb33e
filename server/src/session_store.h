// Browser sessions opened by an OpenID Connect sign-in. The id (256 random bits, base64url) lives
// only in the `grappe_session` cookie; the log keeps its SHA-256 (stream `sessions`:
// SessionStarted with the identity, SessionEnded with why), so a restart keeps every session. A
// session ends after `idle` without a request (the clock restarts with the server) or `max` after
// it began, whichever comes first. Each SessionStarted also records the issuer; the first session
// of an e-mail address with this issuer binds the address to the provider's subject (`sub`), and a
// later sign-in with another subject for that address is refused. Thread-safe.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "grappe/eventstore/store.h"
#include "identity.h"

namespace grappe::server {

inline constexpr std::string_view kSessionsStream = "sessions";

struct BrowserSession {
  std::string hash;  // hex SHA-256 of the id: what logs and the WebSocket registry name
  Identity identity;
  std::chrono::system_clock::time_point started, last_seen;
};

class SessionStore {
 public:
  SessionStore(es::Store& store, std::chrono::seconds idle, std::chrono::seconds max,
               std::string issuer = {});

  // Reads the `sessions` stream (at start). The error is the store's.
  std::expected<void, std::string> load();
  // Opens a session for `identity`; `done` gets its id once SessionStarted is durable (store's
  // thread), or why not.
  void start(const Identity& identity,
             std::function<void(std::expected<std::string, std::string>)> done);
  // The live session of cookie value `id` (and marks it seen); an expired one is ended.
  std::optional<BrowserSession> find(std::string_view id);
  // The live session of hash `hash`, marked seen only when `touch` (a WebSocket's periodic check);
  // an expired one is ended.
  std::optional<BrowserSession> find_hash(const std::string& hash, bool touch);
  // False when an earlier session of the identity's e-mail address (same issuer) had another
  // subject.
  bool subject_matches(const Identity& identity) const;
  // Called with the hash of a session ended for idleness or age (its sockets are closed).
  std::function<void(const std::string&)> on_expired;
  // Ends the session of `id` (SessionEnded); `done(hash)` once durable, hash empty when none.
  void end(std::string_view id, std::string reason, std::function<void(std::string)> done);

 private:
  void append_end(const std::string& hash, const std::string& reason, std::function<void()> done);
  void bind_subject(const Identity& identity);  // under mu_
  es::Store& store_;
  std::chrono::seconds idle_, max_;
  std::string issuer_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, BrowserSession> sessions_;  // by hash
  std::unordered_map<std::string, std::string> subjects_;     // e-mail key -> sub
};

}  // namespace grappe::server
