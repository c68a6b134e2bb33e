#include "session_store.h"

#include <spdlog/spdlog.h>

#include "grappe/domain/user.h"
#include "oidc_jose.h"
#include "server_context.h"

namespace grappe::server {

namespace {

using SysClock = std::chrono::system_clock;

es::NewEvent session_event(std::string type, const nlohmann::json& data) {
  return es::NewEvent{"", std::move(type), data.dump(), es::Actor{"grappe", "Grappe (sessions)"}};
}

}  // namespace

SessionStore::SessionStore(es::Store& store, std::chrono::seconds idle, std::chrono::seconds max,
                           std::string issuer)
    : store_(store), idle_(idle), max_(max), issuer_(std::move(issuer)) {}

void SessionStore::bind_subject(const Identity& identity) {
  if (identity.email.empty() || identity.sub.empty()) return;
  subjects_.try_emplace(domain::email_key(identity.email), identity.sub);
}

bool SessionStore::subject_matches(const Identity& identity) const {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(domain::email_key(identity.email));
  return it == subjects_.end() || it->second == identity.sub;
}

std::expected<void, std::string> SessionStore::load() {
  auto records = store_.read_stream(kSessionsStream, 0, SIZE_MAX, es::Direction::kForward);
  if (!records) return std::unexpected(records.error().message);
  auto now = SysClock::now();
  std::lock_guard lock(mu_);
  for (const auto& r : *records) {
    auto data = nlohmann::json::parse(r.data, nullptr, false);
    if (!data.is_object() || !data.contains("session") || !data["session"].is_string()) continue;
    auto hash = data["session"].get<std::string>();
    if (r.type == "SessionStarted") {
      auto started = SysClock::time_point(r.timestamp.time_since_epoch());
      auto identity = identity_from_json(data.value("identity", nlohmann::json::object()));
      if (data.value("iss", std::string()) == issuer_ && !issuer_.empty()) bind_subject(identity);
      sessions_[hash] = BrowserSession{hash, std::move(identity), started, now};
    } else if (r.type == "SessionEnded") {
      sessions_.erase(hash);
    }
  }
  std::erase_if(sessions_, [&](const auto& kv) { return now - kv.second.started > max_; });
  spdlog::info("sessions: {} open", sessions_.size());
  return {};
}

void SessionStore::start(const Identity& identity,
                         std::function<void(std::expected<std::string, std::string>)> done) {
  auto id = oidc::random_token(32);
  auto hash = sha256_hex(id);
  es::AppendRequest request;
  request.parts.push_back(
      {std::string(kSessionsStream),
       std::nullopt,
       {session_event("SessionStarted",
                      {{"session", hash}, {"iss", issuer_}, {"identity", to_json(identity)}})}});
  store_.append(std::move(request),
                [this, id, hash, identity, done = std::move(done)](es::AppendOutcome outcome) {
                  if (!outcome) return done(std::unexpected(outcome.error().message));
                  auto now = SysClock::now();
                  {
                    std::lock_guard lock(mu_);
                    sessions_[hash] = BrowserSession{hash, identity, now, now};
                    if (!issuer_.empty()) bind_subject(identity);
                  }
                  done(id);
                });
}

std::optional<BrowserSession> SessionStore::find(std::string_view id) {
  if (id.empty() || id.size() > 128) return std::nullopt;
  return find_hash(sha256_hex(id), true);
}

std::optional<BrowserSession> SessionStore::find_hash(const std::string& hash, bool touch) {
  auto now = SysClock::now();
  std::string expired;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return std::nullopt;
    auto& s = it->second;
    if (now - s.last_seen > idle_ || now - s.started > max_) {
      expired = now - s.started > max_ ? "expired" : "idle";
      sessions_.erase(it);
    } else {
      if (touch) s.last_seen = now;
      return s;
    }
  }
  spdlog::info("sessions: {}… ended ({})", hash.substr(0, 8), expired);
  append_end(hash, expired, [] {});
  if (on_expired) on_expired(hash);
  return std::nullopt;
}

void SessionStore::end(std::string_view id, std::string reason,
                       std::function<void(std::string)> done) {
  if (id.empty() || id.size() > 128) return done({});
  auto hash = sha256_hex(id);
  {
    std::lock_guard lock(mu_);
    if (sessions_.erase(hash) == 0) return done({});
  }
  append_end(hash, reason, [hash, done = std::move(done)] { done(hash); });
}

void SessionStore::append_end(const std::string& hash, const std::string& reason,
                              std::function<void()> done) {
  es::AppendRequest request;
  request.parts.push_back(
      {std::string(kSessionsStream),
       std::nullopt,
       {session_event("SessionEnded", {{"session", hash}, {"reason", reason}})}});
  store_.append(std::move(request), [done = std::move(done)](es::AppendOutcome outcome) {
    if (!outcome) spdlog::error("sessions: SessionEnded not written: {}", outcome.error().message);
    done();
  });
}

}  // namespace grappe::server
