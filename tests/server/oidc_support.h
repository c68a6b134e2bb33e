// Sign-in tests' support: the OpenID providers on loopback (panva's oidc-provider, and a
// test-controlled issuer that mints the bad ID tokens), a cookie-keeping HTTP client that walks
// the authorization code flow redirect by redirect (libcurl), and a WebSocket opened with the
// session cookie.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace grappe::test {

// A node script of tests/server/oidc on a free loopback port; killed when destroyed.
class NodeIssuer {
 public:
  // `script`: "provider.mjs" or "fake_issuer.mjs"; the port is chosen now, the script started
  // by start() (a server may start in between, knowing the issuer's URL).
  explicit NodeIssuer(const std::string& script);
  ~NodeIssuer();
  NodeIssuer(const NodeIssuer&) = delete;
  NodeIssuer& operator=(const NodeIssuer&) = delete;
  // `args` after the port: provider.mjs client id, secret, redirect URI; fake_issuer.mjs client
  // id, secret. Waits until it listens.
  void start(const std::vector<std::string>& args);
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }
  // POSTs `body` to `path` of the issuer (its test controls: /_mode, /_test/account).
  void control(const std::string& path, const nlohmann::json& body) const;

 private:
  std::string script_;
  unsigned short port_;
  pid_t pid_ = -1;
};

// A browser without a browser: keeps cookies (libcurl's engine), follows nothing by itself.
class Browser {
 public:
  Browser();
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;
  struct Answer {
    long status = 0;
    std::string location;  // as sent
    std::string next;      // the Location made absolute
    std::string body;
  };
  Answer get(const std::string& url);
  Answer post(const std::string& url, const std::string& body,
              const std::vector<std::string>& headers = {});
  // The value of the cookie `name` the browser keeps ("" when none).
  std::string cookie(const std::string& name) const;
  // GET /auth/login of `server_url` and every redirect up to the server's /auth/callback: that
  // answer's Location ("/", "/#/acces", "/#/connexion?erreur=…"). Throws when the flow breaks.
  std::string sign_in(const std::string& server_url);
  // The URL of the callback the provider sent the browser to in the last sign_in.
  const std::string& last_callback() const { return callback_; }

 private:
  Answer perform(const std::string& url, const std::string* body,
                 const std::vector<std::string>& headers);
  void* curl_;
  std::string callback_;
};

// A WebSocket to /ws whose upgrade carries `cookie` ("name=value").
class CookieWs {
 public:
  CookieWs(unsigned short port, const std::string& cookie);
  void send(const nlohmann::json& msg);
  // The next message; throws on timeout or close.
  nlohmann::json read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until the server closes; its close code (0: none within `timeout`).
  int close_code(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
};

// The `grappe_session` cookie as a Cookie header for support.h's http().
std::vector<std::pair<std::string, std::string>> with_cookie(
    const std::string& session, std::vector<std::pair<std::string, std::string>> more = {});

// The tests/e2e/node_modules holding oidc-provider (tools/test installs it), or a failure.
std::string e2e_modules();

}  // namespace grappe::test
