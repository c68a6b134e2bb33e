// Command-line options of grappe-server (PROTOCOL.md, "Operating the server").
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connection_limits.h"

namespace grappe::server {

struct Options {
  std::filesystem::path data = "./var/data";
  bool data_is_default = true;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::vector<std::filesystem::path> registries;  // empty: the bundled demo registry
  std::optional<std::filesystem::path> users;
  std::optional<std::filesystem::path> config;
  std::optional<bool> demo;  // unset: on for an empty default --data
  std::filesystem::path web_root = GRAPPE_WEB_ROOT;
  std::size_t max_frame = 64 * 1024;
  std::size_t send_queue = 1024;  // frames queued per WebSocket before closing it with 4408
  int threads = 2;
  int keepalive = 30;  // seconds of silence before a WebSocket peer is pinged (dropped after 2×)
  std::string log_level = "info";
  LimitOptions limits;
  std::vector<std::string> allowed_origins;  // besides the server's own (--allowed-origin)
  int hello_timeout = 10;  // seconds a WebSocket may stay without a successful hello
  // Verifiable history (PROTOCOL.md v2): the checkpoints' key, origin, interval, witnesses.
  std::optional<std::filesystem::path> log_key;
  std::string log_origin;
  double checkpoint_interval = 1.0;  // seconds
  std::vector<std::filesystem::path> witness_key_files;
  bool merkle_tree = true;  // benchmarks only: --merkle-tree off
  // E-mail notifications (PROTOCOL.md v2): none without --smtp.
  std::string smtp;  // smtp://HOST:PORT or smtps://HOST:PORT
  std::string mail_from = "grappe@localhost.localdomain";
  std::string public_url;  // empty: the listen URL
  int digest_hour = 7;     // Europe/Paris
  // Sign-in by OpenID Connect (PROTOCOL.md v2): none without --oidc-issuer.
  std::string oidc_issuer;  // without a trailing slash
  std::string oidc_client_id;
  std::filesystem::path oidc_client_secret_file;
  std::chrono::seconds session_idle{8 * 3600};      // --session-idle
  std::chrono::seconds session_max{7 * 24 * 3600};  // --session-max (absolute)
};

// "90s", "30m", "8h", "7d" (or plain seconds); nullopt when malformed or not positive.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// Splits "HOST:PORT"; false when malformed.
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace grappe::server
