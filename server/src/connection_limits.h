// The limits of PROTOCOL.md v2 "Security and limits": connections in all and per address,
// failed authentications and sign-ins per address, commands per connection; each refusal counted in
// /metrics. Peers on loopback are exempt from the per-address and per-connection limits unless
// the option was given on the command line.
//
// Limits and its slots may be used from any thread. TokenBucket is used by one connection, on its
// strand.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace grappe::server {

struct LimitOptions {
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_ip = 256;
  bool per_ip_given = false;  // --max-connections-per-ip on the command line: loopback counts too
  double command_rate = 50;   // commands per second per connection, after a burst
  double command_burst = 200;
  bool command_rate_given = false;
  std::size_t auth_failures = 20;  // failed authentications per address and minute
  bool auth_failures_given = false;
  std::size_t signins = 30;  // /auth/login and /auth/callback per address and minute
  bool signins_given = false;
  std::vector<boost::asio::ip::address> trusted_proxies;
};

// Refills `rate` tokens a second up to `burst`; take() spends one.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  bool take(Clock::time_point now = Clock::now());

 private:
  double rate_, burst_, tokens_;
  Clock::time_point last_{};
};

class Limits {
 public:
  // Counters are registered on `registry` (which must outlive this object).
  Limits(LimitOptions options, prometheus::Registry& registry);

  // Held by a connection for its whole life; releases its counts when destroyed.
  class Slot {
   public:
    Slot(Limits& limits, std::string address, bool whole)
        : limits_(limits), address_(std::move(address)), whole_(whole) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    Limits& limits_;
    std::string address_;  // empty: not counted per address
    bool whole_;           // counted in the connections in all
  };
  enum class Refusal { kNone, kTotal, kPerAddress };

  // A slot for a new connection from `peer`, counted per address unless `peer` is exempt or a
  // trusted proxy (whose clients are counted by per_client()). nullptr with `why` set when full.
  std::shared_ptr<Slot> open(const boost::asio::ip::address& peer, Refusal& why);
  // A per-address slot for a client behind a trusted proxy (WebSocket upgrades); nullptr when
  // that address has its fill, or an empty slot when the address is exempt.
  std::shared_ptr<Slot> per_client(const boost::asio::ip::address& client, Refusal& why);

  // The client's address: `peer`, or for a trusted proxy the right-most address of
  // X-Forwarded-For that is not itself a trusted proxy (`peer` when the header is unusable).
  boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                          std::string_view forwarded_for) const;

  // True while `client` may not authenticate (too many failures this minute); counts the refusal.
  bool auth_blocked(const boost::asio::ip::address& client);
  // Records a failed authentication (an unknown or revoked token) from `client`.
  void auth_failed(const boost::asio::ip::address& client);

  // Counts a request to /auth/login or /auth/callback from `client`; false (counted as
  // throttled) beyond `signins` this minute.
  bool signin_allowed(const boost::asio::ip::address& client);

  // The command budget of a new connection from `client` (unlimited when exempt).
  std::optional<TokenBucket> command_bucket(const boost::asio::ip::address& client) const;
  void count_rate_limited() { rate_limited_.Increment(); }
  void count_hello_timeout() { hello_timeouts_.Increment(); }
  void count_bad_upgrade() { bad_upgrades_.Increment(); }

  const LimitOptions& options() const { return options_; }

 private:
  bool exempt(const boost::asio::ip::address& a, bool given) const;
  bool trusted(const boost::asio::ip::address& a) const;
  std::shared_ptr<Slot> take(const std::string& key, bool whole, Refusal& why);
  void release(const std::string& key, bool whole);

  LimitOptions options_;
  std::mutex mu_;
  std::size_t open_ = 0;                                 // under mu_
  std::unordered_map<std::string, std::size_t> per_ip_;  // under mu_
  struct Failures {
    std::chrono::steady_clock::time_point window_start;
    std::size_t count = 0;
  };
  std::unordered_map<std::string, Failures> failures_;  // under mu_
  std::unordered_map<std::string, Failures> signins_;   // under mu_
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Counter& refused_total_;
  prometheus::Counter& refused_per_ip_;
  prometheus::Counter& rate_limited_;
  prometheus::Counter& hello_timeouts_;
  prometheus::Counter& auth_failures_;
  prometheus::Counter& auth_throttled_;
  prometheus::Counter& bad_upgrades_;
};

// "1.2.3.4" for IPv4 and IPv4-mapped IPv6 addresses, the IPv6 text otherwise.
std::string address_key(const boost::asio::ip::address& a);

}  // namespace grappe::server
