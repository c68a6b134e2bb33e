#include "oidc_support.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "support/loopback.h"
#include "support/process.h"
#include "support/wait.h"

namespace grappe::test {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace net = boost::asio;
using namespace std::chrono_literals;

std::string e2e_modules() {
  fs::path modules = fs::path(GRAPPE_SOURCE_DIR) / "tests" / "e2e" / "node_modules";
  if (!fs::exists(modules / "oidc-provider" / "lib" / "index.js"))
    throw std::runtime_error(
        "oidc-provider is not installed: run npm ci in tests/e2e (tools/test)");
  return modules.string();
}

NodeIssuer::NodeIssuer(const std::string& script) : script_(script), port_(free_loopback_port()) {}

NodeIssuer::~NodeIssuer() {
  if (pid_ > 0) kill_and_reap(pid_);
}

void NodeIssuer::start(const std::vector<std::string>& more) {
  fs::path file = fs::path(GRAPPE_SOURCE_DIR) / "tests" / "server" / "oidc" / script_;
  std::vector<std::string> args{file.string()};
  if (script_ == "provider.mjs") args.push_back(e2e_modules());
  args.push_back(std::to_string(port_));
  args.insert(args.end(), more.begin(), more.end());
  int null = ::open("/dev/null", O_WRONLY);
  pid_ = spawn("/usr/bin/node", args, {-1, null, null});
  ::close(null);
  if (!wait_until([&] { return loopback_accepts(port_); }, 30s, 50ms))
    throw std::runtime_error(script_ + " did not start (is nodejs installed?)");
}

void NodeIssuer::control(const std::string& path, const nlohmann::json& body) const {
  Browser b;
  auto a = b.post(url() + path, body.dump(), {"Content-Type: application/json"});
  if (a.status != 200) throw std::runtime_error("issuer control " + path + " failed");
}

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t header(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  if (line.size() > 9 && (line.starts_with("Location:") || line.starts_with("location:"))) {
    auto value = line.substr(9);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    *static_cast<std::string*>(out) = value;
  }
  return size * count;
}

}  // namespace

Browser::Browser() : curl_(curl_easy_init()) {
  curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // the cookie engine, in memory
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
}

Browser::~Browser() {
  curl_easy_cleanup(curl_);
}

Browser::Answer Browser::perform(const std::string& url, const std::string* body,
                                 const std::vector<std::string>& headers) {
  Answer a;
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &a.location);
  if (body) {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  }
  auto rc = curl_easy_perform(curl_);
  curl_slist_free_all(list);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK) throw std::runtime_error(url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &a.status);
  char* next = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &next);
  if (next) a.next = next;
  return a;
}

Browser::Answer Browser::get(const std::string& url) {
  return perform(url, nullptr, {});
}

Browser::Answer Browser::post(const std::string& url, const std::string& body,
                              const std::vector<std::string>& headers) {
  return perform(url, &body, headers);
}

std::string Browser::cookie(const std::string& name) const {
  curl_slist* cookies = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_COOKIELIST, &cookies);
  std::string value;
  for (auto* c = cookies; c; c = c->next) {
    // Netscape format: domain, flag, path, secure, expiry, name, value (tab-separated).
    std::string line = c->data;
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (auto tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', from)) {
      fields.push_back(line.substr(from, tab - from));
      from = tab + 1;
    }
    fields.push_back(line.substr(from));
    if (fields.size() == 7 && fields[5] == name) value = fields[6];
  }
  curl_slist_free_all(cookies);
  return value;
}

std::string Browser::sign_in(const std::string& server_url) {
  std::string url = server_url + "/auth/login";
  for (int step = 0; step < 20; ++step) {
    auto a = get(url);
    if (url.starts_with(server_url + "/auth/callback")) {
      callback_ = url;
      return a.location;
    }
    if (a.status / 100 != 3 || a.next.empty())
      throw std::runtime_error("sign-in stopped at " + url + " with HTTP " +
                               std::to_string(a.status) + ": " + a.body.substr(0, 300));
    if (url == server_url + "/auth/login" && a.location.starts_with("/#/")) return a.location;
    url = a.next;
  }
  throw std::runtime_error("sign-in: too many redirects");
}

CookieWs::CookieWs(unsigned short port, const std::string& cookie) : ws_(ioc_) {
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(10s);
  tcp.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws_.set_option(
      beast::websocket::stream_base::decorator([cookie](beast::websocket::request_type& req) {
        req.set(beast::http::field::cookie, cookie);
      }));
  ws_.handshake("127.0.0.1", "/ws");
  tcp.expires_never();
}

void CookieWs::send(const nlohmann::json& msg) {
  ws_.text(true);
  ws_.write(net::buffer(msg.dump()));
}

nlohmann::json CookieWs::read(std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  std::optional<beast::error_code> done;
  ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) { done = ec; });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!done) {
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    throw std::runtime_error("no WebSocket message in time");
  }
  if (*done) throw boost::system::system_error(*done, "WebSocket read");
  return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
}

int CookieWs::close_code(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now()));
    } catch (const boost::system::system_error&) {
      return ws_.reason().code;
    } catch (const std::runtime_error&) {
      return 0;
    }
  }
  return 0;
}

std::vector<std::pair<std::string, std::string>> with_cookie(
    const std::string& session, std::vector<std::pair<std::string, std::string>> more) {
  more.emplace_back("Cookie", "grappe_session=" + session);
  return more;
}

}  // namespace grappe::test
