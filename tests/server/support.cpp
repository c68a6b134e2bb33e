#include "support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <stdexcept>

#include "sanitized.h"
#include "support/process.h"

namespace grappe::test {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

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

}  // namespace

Server::Server(std::vector<std::string> extra, fs::path dir) {
  if (dir.empty()) {
    owned_.emplace("server");
    data_ = owned_->path / "data";
  } else {
    data_ = dir;
  }
  auto users = write_users_file(owned_ ? owned_->path : data_.parent_path());
  std::vector<std::string> args = {"--data",       data_.string(), "--users",
                                   users.string(), "--log-level",  "warn"};
  args.insert(args.end(), extra.begin(), extra.end());
  fs::path stderr_file;
  if (kSanitized) {
    log_.emplace("server-log");
    stderr_file = log_->path / "stderr.txt";
  }
  process_.emplace(GRAPPE_SERVER_BIN, args, stderr_file);
}

Server::~Server() {
  if (!kSanitized) {
    kill9();
  } else if (process_->pid() > 0) {  // not stopped by the test
    int status = terminate();
    EXPECT_EQ(status, 0) << "grappe-server's exit status at the end of the test";
  }
}

int Server::terminate() {
  int status = process_->terminate();
  check_log();
  return status;
}

void Server::kill9() {
  process_->kill9();
  check_log();
}

void Server::check_log() {
  if (!log_) return;
  std::string text = read_file(log_->path / "stderr.txt");
  if (!text.empty()) std::fprintf(stderr, "--- grappe-server's stderr ---\n%s---\n", text.c_str());
  expect_no_sanitizer_report(text, "grappe-server");
  log_.reset();
}

int run_server_once(const std::vector<std::string>& args, std::string* err) {
  auto run = run_program(GRAPPE_SERVER_BIN, args, {.limit = std::chrono::seconds(60)});
  expect_no_sanitizer_report(run.err, "grappe-server");
  if (err) *err = std::move(run.err);
  return run.status;
}

HttpAnswer http(unsigned short port, beast::http::verb method, const std::string& target,
                const std::string& tok, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::http::request<beast::http::string_body> req{method, target, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  if (!tok.empty()) req.set(beast::http::field::authorization, "Bearer " + tok);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 << 20);
  std::optional<beast::error_code> read;
  // Asynchronous, with the whole exchange bounded by run_for: a synchronous call can block for
  // ever. The server may answer (413, 431) and close before the whole request is written: the
  // answer is read while the request is written, and a write error is not one.
  stream.async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return read.emplace(ec), void();
        beast::http::async_write(stream, req, [](beast::error_code, std::size_t) {});
        beast::http::async_read(stream, buffer, parser,
                                [&](beast::error_code e, std::size_t) { read = e; });
      });
  ioc.run_for(std::chrono::seconds(30));
  if (!read) {
    stream.cancel();
    ioc.restart();
    ioc.run();
    throw std::runtime_error("no HTTP answer to " + target + " within 30 s");
  }
  if (*read) throw boost::system::system_error(*read, "HTTP " + target);
  HttpAnswer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.text = parser.get().body();
  answer.body = json::parse(answer.text, nullptr, false);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return answer;
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

}  // namespace grappe::test
