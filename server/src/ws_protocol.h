// PROTOCOL.md's WebSocket messages as plain functions over a small context: what a client sent,
// decided here; frames, queues and timers are the session's (ws_session.h). Every function runs
// on the connection's strand (tests call them directly, without sockets).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connection_limits.h"
#include "grappe/domain/user.h"
#include "hub.h"
#include "server_context.h"

namespace grappe::server {

inline constexpr int kCloseUnauthorized = 4401;
inline constexpr int kCloseTooSlow = 4408;
// The user's role, organisations or regions changed: what it subscribed to and watches was
// granted under the old rights, so it reconnects (README, additions to PROTOCOL.md).
inline constexpr int kCloseRightsChanged = 4409;
inline constexpr int kCloseTooManyFailures = 4429;

struct ClientContext;

// What the protocol needs of its connection.
class ClientLink {
 public:
  virtual ~ClientLink() = default;
  // Queues `frame`; `bounded`: past the send-queue limit the connection closes 4408 instead.
  // False once the connection is closing.
  virtual bool send(Frame frame, bool bounded = true) = 0;
  // Closes with `code` after the frame being written.
  virtual void close(int code) = 0;
  // The user signed in: the hello deadline ends, revocation can close the connection.
  virtual void signed_in(const domain::User& user) = 0;
  // Who the hub delivers this connection's grappe events and presence lists to. Holding it
  // keeps the link alive.
  virtual std::shared_ptr<Subscriber> subscriber() = 0;
  // Sends a frame later, from any thread, while the connection lives (a command's answer).
  virtual std::function<void(Frame)> sender() = 0;
  // Runs `fn` on the connection's strand (a catch-up read's result); callable from any thread.
  virtual void on_strand(std::function<void(ClientContext&)> fn) = 0;
};

// A live event from the hub, or a frame that is not one (grappe empty).
struct Delivery {
  Frame frame;
  std::string grappe;  // set for a grappe event, sent only past the version already sent
  std::uint64_t version = 0;
};

// The state of one connection's protocol.
struct ClientState {
  boost::asio::ip::address address;     // where the limits apply
  std::optional<TokenBucket> commands;  // the connection's command rate; none: unlimited
  std::optional<domain::User> user;     // after a successful hello
  struct Subscription {
    std::uint64_t sent = 0;        // events at or below this version are not sent again
    std::uint64_t generation = 0;  // which subscribe a catch-up result belongs to
    std::optional<std::vector<Delivery>> held;  // live events that wait for the catch-up
  };
  std::unordered_map<std::string, Subscription> subscribed;
  std::uint64_t generations = 0;
  std::string session_cookie;   // the upgrade's grappe_session cookie (signin.h), if any
  std::string browser_session;  // after a hello by that cookie: its SHA-256
};

struct ClientContext {
  ServerContext& server;
  ClientState& state;
  ClientLink& link;
};

// A text message from the client.
void handle_client_message(ClientContext& ctx, std::string_view text);
// A binary message: refused (before hello, the connection closes 4401).
void handle_binary_message(ClientContext& ctx);
// The hello deadline passed without a successful hello.
void handle_hello_timeout(ClientContext& ctx);
// Live frames from the hub or a command's answer, in the order they came: grappe events go out
// once each, in version order, after a catch-up in progress. False once the connection closes.
bool deliver(ClientContext& ctx, std::vector<Delivery>& deliveries);

}  // namespace grappe::server
