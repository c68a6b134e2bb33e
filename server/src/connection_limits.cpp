#include "connection_limits.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace grappe::server {

namespace ip = boost::asio::ip;
using prometheus::BuildCounter;

namespace {

ip::address normalised(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string address_key(const ip::address& a) {
  return normalised(a).to_string();
}

bool TokenBucket::take(Clock::time_point now) {
  if (last_ != Clock::time_point{}) {
    std::chrono::duration<double> elapsed = now - last_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
  }
  last_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

Limits::Limits(LimitOptions options, prometheus::Registry& registry)
    : options_(std::move(options)),
      refused_(BuildCounter()
                   .Name("grappe_connections_refused_total")
                   .Help("Connections refused at a limit (max_connections, per_ip)")
                   .Register(registry)),
      refused_total_(refused_.Add({{"limit", "max_connections"}})),
      refused_per_ip_(refused_.Add({{"limit", "per_ip"}})),
      rate_limited_(BuildCounter()
                        .Name("grappe_commands_rate_limited_total")
                        .Help("Commands refused with rate_limited (per-connection command rate)")
                        .Register(registry)
                        .Add({})),
      hello_timeouts_(BuildCounter()
                          .Name("grappe_hello_timeouts_total")
                          .Help("WebSockets closed 4401 for sending no successful hello in time")
                          .Register(registry)
                          .Add({})),
      auth_failures_(BuildCounter()
                         .Name("grappe_auth_failures_total")
                         .Help("Authentications refused (unknown or revoked token)")
                         .Register(registry)
                         .Add({})),
      auth_throttled_(BuildCounter()
                          .Name("grappe_auth_throttled_total")
                          .Help("Requests refused 429 / 4429 after too many failed "
                                "authentications from their address")
                          .Register(registry)
                          .Add({})),
      bad_upgrades_(BuildCounter()
                        .Name("grappe_websocket_upgrades_refused_total")
                        .Help("WebSocket upgrades refused (bad key, version or origin)")
                        .Register(registry)
                        .Add({})) {}

Limits::Slot::~Slot() {
  limits_.release(address_, whole_);
}

bool Limits::exempt(const ip::address& a, bool given) const {
  return !given && normalised(a).is_loopback();
}

bool Limits::trusted(const ip::address& a) const {
  auto n = normalised(a);
  return std::any_of(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                     [&](const ip::address& t) { return normalised(t) == n; });
}

std::shared_ptr<Limits::Slot> Limits::take(const std::string& key, bool whole, Refusal& why) {
  std::lock_guard lock(mu_);
  if (whole && open_ >= options_.max_connections) {
    why = Refusal::kTotal;
    refused_total_.Increment();
    return nullptr;
  }
  if (!key.empty()) {
    auto& n = per_ip_[key];
    if (n >= options_.max_connections_per_ip) {
      why = Refusal::kPerAddress;
      refused_per_ip_.Increment();
      return nullptr;
    }
    ++n;
  }
  if (whole) ++open_;
  why = Refusal::kNone;
  return std::make_shared<Slot>(*this, key, whole);
}

void Limits::release(const std::string& key, bool whole) {
  std::lock_guard lock(mu_);
  if (whole) --open_;
  if (key.empty()) return;
  auto it = per_ip_.find(key);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

std::shared_ptr<Limits::Slot> Limits::open(const ip::address& peer, Refusal& why) {
  bool counted = !exempt(peer, options_.per_ip_given) && !trusted(peer);
  return take(counted ? address_key(peer) : std::string(), true, why);
}

std::shared_ptr<Limits::Slot> Limits::per_client(const ip::address& client, Refusal& why) {
  if (exempt(client, options_.per_ip_given)) {
    why = Refusal::kNone;
    return std::make_shared<Slot>(*this, std::string(), false);
  }
  return take(address_key(client), false, why);
}

ip::address Limits::client_address(const ip::address& peer, std::string_view forwarded) const {
  if (forwarded.empty() || !trusted(peer)) return peer;
  // Right to left: each trusted hop vouches for the one before it.
  ip::address client = peer;
  while (!forwarded.empty()) {
    auto comma = forwarded.rfind(',');
    auto item = trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    forwarded = comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(item), ec);
    if (ec) return client;  // unusable: the last hop we could read
    client = a;
    if (!trusted(a)) return a;
  }
  return client;
}

bool Limits::auth_blocked(const ip::address& client) {
  if (exempt(client, options_.auth_failures_given)) return false;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = failures_.find(address_key(client));
  if (it == failures_.end()) return false;
  if (now - it->second.window_start >= std::chrono::minutes(1)) {
    failures_.erase(it);
    return false;
  }
  if (it->second.count < options_.auth_failures) return false;
  auth_throttled_.Increment();
  return true;
}

bool Limits::signin_allowed(const ip::address& client) {
  if (exempt(client, options_.signins_given)) return true;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (signins_.size() > 100000) {
    std::erase_if(signins_, [&](const auto& kv) {
      return now - kv.second.window_start >= std::chrono::minutes(1);
    });
  }
  auto& s = signins_[address_key(client)];
  if (s.count == 0 || now - s.window_start >= std::chrono::minutes(1)) s = Failures{now, 0};
  if (s.count >= options_.signins) {
    auth_throttled_.Increment();
    return false;
  }
  ++s.count;
  return true;
}

void Limits::auth_failed(const ip::address& client) {
  auth_failures_.Increment();
  if (exempt(client, options_.auth_failures_given)) return;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  // Bounded: a flood of addresses cannot grow the table past what a minute holds.
  if (failures_.size() > 100000) {
    std::erase_if(failures_, [&](const auto& kv) {
      return now - kv.second.window_start >= std::chrono::minutes(1);
    });
  }
  auto& f = failures_[address_key(client)];
  if (f.count == 0 || now - f.window_start >= std::chrono::minutes(1)) {
    f = Failures{now, 0};
  }
  if (++f.count == options_.auth_failures) {
    spdlog::warn(
        "auth: {} failed authentications from {} within a minute: refusing it until the "
        "minute ends",
        f.count, address_key(client));
  }
}

std::optional<TokenBucket> Limits::command_bucket(const ip::address& client) const {
  if (exempt(client, options_.command_rate_given)) return std::nullopt;
  return TokenBucket(options_.command_rate, options_.command_burst);
}

}  // namespace grappe::server
