// Server tests' support: the real grappe-server binary on a free loopback port with the users of
// the tests, and a small synchronous HTTP client with deadlines. Temporary folders, the WebSocket
// client, ids and waiting on a condition come from tests/support.
#pragma once

#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/ids.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/wait.h"
#include "support/ws_client.h"

namespace grappe::test {

using nlohmann::json;

// Demo registry organisations used by the tests (domain/data/demo-registry.csv).
inline constexpr const char* kOgPorteur = "330001009";   // 13 ET in Nouvelle-Aquitaine
inline constexpr const char* kOgPartner = "640002002";   // 11 ET
inline constexpr const char* kOgOutsider = "170003008";  // 10 ET
inline constexpr const char* kEtPorteur = "330010174";
inline constexpr const char* kEtPartner = "640010179";
inline constexpr const char* kEtPartner2 = "640010344";
inline constexpr const char* kEtOutsider = "170010177";

// Tokens of the users file written by Server (user id → token = "token-<id>").
std::string token(const std::string& user_id);

// grappe-server with the users of token(), on the port it chose (see ServerProcess).
class Server {
 public:
  // Starts grappe-server with --data <dir> --listen 127.0.0.1:0 --users <file> plus `extra`,
  // and waits (≤ 60 s) for its `listening on` line. `dir` empty: a fresh temporary folder.
  explicit Server(std::vector<std::string> extra = {}, std::filesystem::path dir = {});
  // SIGKILL if still running; in sanitized builds SIGTERM instead, and the test fails unless the
  // server exits with 0 (a sanitizer report at exit, a leak, makes that status non-zero).
  ~Server();

  // SIGTERM, then the exit status (-1 if it did not exit normally within 30 s).
  int terminate();
  void kill9();
  unsigned short port() const { return process_->port(); }
  const std::filesystem::path& data() const { return data_; }

 private:
  // Sanitized builds: echoes the server's standard error (kept in `log_`) and fails the test if
  // it holds a sanitizer report. Called once the process is gone.
  void check_log();

  std::optional<TempDir> owned_;
  std::optional<TempDir> log_;  // sanitized builds only
  std::filesystem::path data_;
  std::optional<ServerProcess> process_;
};

// Runs grappe-server with `args` and returns its exit status (waits ≤ 60 s); stderr to `err`.
int run_server_once(const std::vector<std::string>& args, std::string* err = nullptr);

struct HttpAnswer {
  int status = 0;
  json body;
  std::string text;
};

HttpAnswer http(unsigned short port, boost::beast::http::verb method, const std::string& target,
                const std::string& token = "", const std::string& body = "",
                const std::vector<std::pair<std::string, std::string>>& headers = {});
inline HttpAnswer get(unsigned short port, const std::string& target, const std::string& tok = "") {
  return http(port, boost::beast::http::verb::get, target, tok);
}
// POST /api/grappes/{grappe}/commands.
HttpAnswer command(unsigned short port, const std::string& tok, const std::string& grappe,
                   const std::string& name, const json& payload, const std::string& id = "");

// A grappe created by the porteur through HTTP; returns its id.
std::string create_grappe(unsigned short port, const std::string& name = "Grappe test");

}  // namespace grappe::test
