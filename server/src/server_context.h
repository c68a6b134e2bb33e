// What the server's handlers share: the store, the reference data, the read models, the hub,
// the one write path (EventWriter) and the command service on it, the metrics. Built in main(),
// passed by reference; no globals.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "command_service.h"
#include "connection_limits.h"
#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "hub.h"
#include "metrics.h"
#include "options.h"
#include "projector.h"
#include "read_models.h"
#include "registries.h"
#include "static_files.h"
#include "transparency.h"

namespace grappe::server {

// A demo user with its token in clear (only demo tokens are ever kept in clear).
struct DemoUser {
  domain::User user;
  std::string token;
};

// Open WebSocket sessions, so that shutdown and user revocation can close them.
class SessionSet {
 public:
  using Closer = std::function<void(int code)>;  // posts a close to the session's strand
  // `browser_session`: the SHA-256 of the sign-in session the connection said hello with (empty
  // for a token).
  void add(const void* key, const std::string& user_id, Closer close,
           std::string browser_session = {});
  void remove(const void* key);
  void close_all(int code);
  void close_user(const std::string& user_id, int code);
  void close_browser_session(const std::string& hash, int code);

 private:
  struct Entry {
    std::string user_id;
    Closer close;
    std::string browser_session;
  };
  std::mutex mu_;
  std::unordered_map<const void*, Entry> sessions_;
};

class Notifier;
struct SignIn;

struct ServerContext {
  const Options& options;
  es::Store& store;
  Registries& registries;  // current(): the registry in service, swapped by an admin's upload
  const domain::CallConfig& config;
  ReadModels& models;
  Hub& hub;
  Projector& projector;
  EventWriter& writer;  // every write to the log goes through it
  CommandService& commands;
  Metrics& metrics;
  // Long reads (audit verification) run here, one at a time, off the network threads; joined
  // before the store closes.
  boost::asio::thread_pool& background;
  // Reads a connection asks for (a subscription's catch-up), off the network threads.
  boost::asio::thread_pool& readers;
  const StaticFiles& static_files;  // the web client, read once at start
  Limits& limits;
  TransparencyLog& tlog;             // signed checkpoints of the log
  std::vector<DemoUser> demo_users;  // empty unless the demo users exist with their demo tokens
  SessionSet sessions;
  Notifier* notifier = nullptr;  // null without --smtp
  SignIn* signin = nullptr;      // null without --oidc-issuer (signin.h)

  // The user whose token this is, if any.
  std::optional<domain::User> authenticate(std::string_view token) const;
};

// Lowercase hex of `size` bytes.
std::string to_hex(const unsigned char* bytes, std::size_t size);
// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

}  // namespace grappe::server
