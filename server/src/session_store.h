// Browser sessions opened by an OpenID Connect sign-in. The id (256 random bits, base64url) lives
// only in the `grappe_session` cookie; the log keeps its SHA-256 (stream `sessions`:
// SessionStarted with the identity, SessionEnded with why), so a restart keeps every session. A
// session ends after `idle` without a request (the clock restarts with the server) or `max` after
// it began, whichever comes first. Thread-safe.
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
  SessionStore(es::Store& store, std::chrono::seconds idle, std::chrono::seconds max);

  // Reads the `sessions` stream (at start). The error is the store's.
  std::expected<void, std::string> load();
  // Opens a session for `identity`; `done` gets its id once SessionStarted is durable (store's
  // thread), or why not.
  void start(const Identity& identity,
             std::function<void(std::expected<std::string, std::string>)> done);
  // The live session of cookie value `id` (and marks it seen); an expired one is ended.
  std::optional<BrowserSession> find(std::string_view id);
  // Ends the session of `id` (SessionEnded); `done(hash)` once durable, hash empty when none.
  void end(std::string_view id, std::string reason, std::function<void(std::string)> done);

 private:
  void append_end(const std::string& hash, const std::string& reason, std::function<void()> done);
  es::Store& store_;
  std::chrono::seconds idle_, max_;
  std::mutex mu_;
  std::unordered_map<std::string, BrowserSession> sessions_;  // by hash
};

}  // namespace grappe::server
