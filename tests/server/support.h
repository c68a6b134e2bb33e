// Test support: the real grappe-server binary in a child process on a free loopback port, and
// small synchronous HTTP and WebSocket clients (Beast) with deadlines.
#pragma once

#include <sys/types.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace grappe::test {

using nlohmann::json;

// A fresh folder under testing::TempDir(), removed by the destructor.
struct TempDir {
  TempDir();
  ~TempDir();
  std::filesystem::path path;
};

// Demo registry organisations used by the tests (domain/data/demo-registry.csv).
inline constexpr const char* kOgPorteur = "330001009";   // 13 ET in Nouvelle-Aquitaine
inline constexpr const char* kOgPartner = "640002002";   // 11 ET
inline constexpr const char* kOgOutsider = "170003008";  // 10 ET
inline constexpr const char* kEtPorteur = "330010174";
inline constexpr const char* kEtPartner = "640010179";
inline constexpr const char* kEtPartner2 = "640010344";
inline constexpr const char* kEtOutsider = "170010177";

// Tokens of the users file written by Server (user id → token = "tok-<id>").
std::string token(const std::string& user_id);

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
  unsigned short port() const { return port_; }
  const std::filesystem::path& data() const { return data_; }

 private:
  // Sanitized builds: echoes the server's standard error (kept in `log_`) and fails the test if
  // it holds a sanitizer report. Called once the process is gone.
  void check_log();

  std::optional<TempDir> owned_;
  std::optional<TempDir> log_;  // sanitized builds only
  std::filesystem::path data_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
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

std::string new_id();  // a fresh UUID-like id

// A WebSocket client. Every read waits at most `timeout`.
class Ws {
 public:
  explicit Ws(unsigned short port, int rcvbuf = 0);
  void send(const json& msg);
  void send_text(const std::string& text);
  // The next message (throws on timeout or close).
  json read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until a message of `type` (other messages are kept in `skipped`).
  json read_until(const std::string& type,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // hello with `token`; returns the welcome.
  json hello(const std::string& token);
  // Reads until the server closes; returns the close code (0 if none).
  int read_close_code(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  boost::beast::websocket::stream<boost::beast::tcp_stream>& stream() { return ws_; }
  std::vector<json> skipped;

 private:
  boost::system::error_code read_for(std::chrono::milliseconds timeout);
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
};

// A grappe created by the porteur through HTTP; returns its id.
std::string create_grappe(unsigned short port, const std::string& name = "Grappe test");

}  // namespace grappe::test
