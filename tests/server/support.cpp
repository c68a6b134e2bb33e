#include "support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <stdexcept>

#include "sanitized.h"

namespace grappe::test {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path = fs::path(testing::TempDir()) /
         ("grappe-server-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path);
  fs::create_directories(path);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string token(const std::string& user_id) {
  return "token-" + user_id;
}

namespace {

json user(const std::string& id, const std::string& role, json og = json::array(),
          json regions = json::array()) {
  return {{"id", id}, {"name", "Test " + id}, {"role", role},
          {"og", og}, {"regions", regions},   {"token", token(id)}};
}

fs::path write_users_file(const fs::path& dir) {
  json users = {
      {"users",
       {user("porteur", "gestionnaire", {kOgPorteur}),
        user("partner", "gestionnaire", {kOgPartner}),
        user("outsider", "gestionnaire", {kOgOutsider}), user("ars", "ars", json::array(), {"75"}),
        user("ars-idf", "ars", json::array(), {"11"}), user("auditor", "auditor"),
        user("admin", "admin")}}};
  auto path = dir / "users.json";
  std::ofstream(path) << users.dump(2);
  return path;
}

// Reads one line from `fd` within `deadline`; false on EOF or timeout.
bool read_line(int fd, std::string& line, std::chrono::steady_clock::time_point deadline) {
  line.clear();
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
    line.push_back(c);
  }
}

pid_t spawn(const std::vector<std::string>& args, int* stdout_fd, int stderr_fd = -1) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    if (stderr_fd >= 0) dup2(stderr_fd, 2);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    std::string bin = GRAPPE_SERVER_BIN;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  *stdout_fd = out[0];
  return pid;
}

int wait_exit(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pollfd none{};
    poll(&none, 0, 20);  // waiting for a child: no event to wait on
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

}  // namespace

Server::Server(std::vector<std::string> extra, fs::path dir) {
  if (dir.empty()) {
    owned_.emplace();
    data_ = owned_->path / "data";
  } else {
    data_ = dir;
  }
  auto users = write_users_file(owned_ ? owned_->path : data_.parent_path());
  std::vector<std::string> args = {"--data",  data_.string(), "--listen",    "127.0.0.1:0",
                                   "--users", users.string(), "--log-level", "warn"};
  args.insert(args.end(), extra.begin(), extra.end());
  int fd = -1, errfd = -1;
  if (kSanitized) {
    log_.emplace();
    errfd = ::open((log_->path / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_ = spawn(args, &fd, errfd);
  if (errfd >= 0) ::close(errfd);
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read_line(fd, line, deadline)) {
    const std::string prefix = "listening on http://127.0.0.1:";
    if (line.rfind(prefix, 0) == 0) {
      port_ = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));
      break;
    }
  }
  close(fd);
  if (port_ == 0) {
    kill9();
    throw std::runtime_error("grappe-server did not print its listening line");
  }
}

Server::~Server() {
  if (pid_ <= 0) return;
  if (!kSanitized) {
    kill9();
    return;
  }
  int status = terminate();
  EXPECT_EQ(status, 0) << "grappe-server's exit status at the end of the test";
}

int Server::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = wait_exit(pid_, std::chrono::seconds(30));
  pid_ = -1;
  check_log();
  return status;
}

void Server::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  check_log();
}

void Server::check_log() {
  if (!log_) return;
  std::ifstream in(log_->path / "stderr.txt");
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (!text.empty()) std::fprintf(stderr, "--- grappe-server's stderr ---\n%s---\n", text.c_str());
  expect_no_sanitizer_report(text, "grappe-server");
  log_.reset();
}

int run_server_once(const std::vector<std::string>& args, std::string* err) {
  TempDir logs;
  auto path = logs.path / "stderr.txt";
  int errfd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int fd = -1;
  pid_t pid = spawn(args, &fd, errfd);
  ::close(errfd);
  int status = wait_exit(pid, std::chrono::seconds(60));
  close(fd);
  std::ifstream in(path);
  std::string text(std::istreambuf_iterator<char>(in), {});
  expect_no_sanitizer_report(text, "grappe-server");
  if (err) *err = std::move(text);
  return status;
}

HttpAnswer http(unsigned short port, beast::http::verb method, const std::string& target,
                const std::string& tok, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::http::request<beast::http::string_body> req{method, target, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  if (!tok.empty()) req.set(beast::http::field::authorization, "Bearer " + tok);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  // The server may answer (413, 431) and close before the whole request is written: read the
  // answer anyway.
  beast::error_code write_ec;
  beast::http::write(stream, req, write_ec);
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::http::read(stream, buffer, parser);
  HttpAnswer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.text = parser.get().body();
  answer.body = json::parse(answer.text, nullptr, false);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return answer;
}

std::string new_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::lock_guard lock(mu);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-a%03llx-%012llx",
                static_cast<unsigned long long>(rng() & 0xffffffff),
                static_cast<unsigned long long>(rng() & 0xffff),
                static_cast<unsigned long long>(rng() & 0xfff),
                static_cast<unsigned long long>(rng() & 0xfff),
                static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}

HttpAnswer command(unsigned short port, const std::string& tok, const std::string& grappe,
                   const std::string& name, const json& payload, const std::string& id) {
  json body = {{"id", id.empty() ? new_id() : id}, {"name", name}, {"payload", payload}};
  return http(port, beast::http::verb::post, "/api/grappes/" + grappe + "/commands", tok,
              body.dump());
}

std::string create_grappe(unsigned short port, const std::string& name) {
  auto id = new_id();
  auto a =
      command(port, token("porteur"), id, "CreateGrappe",
              {{"name", name}, {"call", "default"}, {"region", "75"}, {"porteur", kOgPorteur}});
  if (a.status != 200) throw std::runtime_error("CreateGrappe failed: " + a.text);
  return id;
}

Ws::Ws(unsigned short port, int rcvbuf) : ws_(ioc_) {
  auto& sock = beast::get_lowest_layer(ws_).socket();
  sock.open(tcp::v4());
  if (rcvbuf > 0) sock.set_option(net::socket_base::receive_buffer_size(rcvbuf));
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws_.handshake("127.0.0.1", "/ws");
  beast::get_lowest_layer(ws_).expires_never();
}

void Ws::send(const json& msg) {
  send_text(msg.dump());
}

void Ws::send_text(const std::string& text) {
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  ws_.text(true);
  ws_.write(net::buffer(text));
  beast::get_lowest_layer(ws_).expires_never();
}

// Beast's timeouts apply to asynchronous operations only: run each read on the client's own
// io_context for at most `timeout`.
boost::system::error_code Ws::read_for(std::chrono::milliseconds timeout) {
  buffer_.consume(buffer_.size());
  boost::system::error_code result = net::error::timed_out;
  bool done = false;
  ws_.async_read(buffer_, [&](boost::system::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!done) {
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    return net::error::timed_out;
  }
  return result;
}

json Ws::read(std::chrono::milliseconds timeout) {
  auto ec = read_for(timeout);
  if (ec) throw std::runtime_error("WebSocket read failed: " + ec.message());
  return json::parse(beast::buffers_to_string(buffer_.data()));
}

json Ws::read_until(const std::string& type, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("no " + type + " message in time");
    auto msg = read(left);
    if (msg.value("type", "") == type) return msg;
    skipped.push_back(std::move(msg));
  }
}

json Ws::hello(const std::string& tok) {
  send({{"type", "hello"}, {"token", tok}, {"client", "server-tests/1"}});
  return read_until("welcome");
}

int Ws::read_close_code(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    auto ec = read_for(left);
    if (ec == beast::websocket::error::closed) return ws_.reason().code;
    if (ec) {
      std::fprintf(stderr, "read_close_code: %s\n", ec.message().c_str());
      return 0;
    }
  }
}

}  // namespace grappe::test
