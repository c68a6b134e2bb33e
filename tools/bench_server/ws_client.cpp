#include "ws_client.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <thread>

#include "server_process.h"

namespace grappe::bench {

namespace beast = boost::beast;
using net::use_awaitable;
using tcp = net::ip::tcp;

net::awaitable<void> Conn::open(unsigned short port) {
  auto& stream = beast::get_lowest_layer(ws_);
  co_await stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                use_awaitable);
  // Small request/answer frames: Nagle's algorithm would hold them back behind delayed ACKs.
  stream.socket().set_option(tcp::no_delay(true));
  co_await ws_.async_handshake("127.0.0.1", "/ws", use_awaitable);
  ws_.text(true);
  // Masking keys need no cryptographic quality here; the cheap generator leaves the cores to
  // the server under test.
  ws_.secure_prng(false);
  // GCC 12 rejects a braced json initializer inside a co_await expression: build it first.
  co_await send(hello_message());
  for (;;) {
    auto msg = json::parse(co_await read());
    auto type = msg.value("type", "");
    if (type == "welcome") co_return;
    if (type == "error") throw std::runtime_error("hello refused: " + msg.dump());
  }
}

net::awaitable<void> Conn::send(const json& msg) {
  co_await send_text(msg.dump());
}

net::awaitable<void> Conn::send_text(std::string text) {
  co_await ws_.async_write(net::buffer(text), use_awaitable);
}

net::awaitable<std::string_view> Conn::read() {
  buffer_.consume(buffer_.size());
  boost::system::error_code ec;
  co_await ws_.async_read(buffer_, net::redirect_error(use_awaitable, ec));
  if (ec == beast::websocket::error::closed) {
    throw std::runtime_error("the server closed a connection with code " +
                             std::to_string(ws_.reason().code));
  }
  if (ec) throw std::runtime_error("WebSocket read failed: " + ec.message());
  auto data = buffer_.cdata();
  co_return std::string_view(static_cast<const char*>(data.data()), data.size());
}

net::awaitable<json> Conn::command(const std::string& id, const std::string& grappe,
                                   const std::string& name, const json& payload) {
  // Written out directly (ids and names of the benchmark need no escaping), as the load should
  // spend as little of the machine as it can.
  std::string request = R"({"type":"command","id":")" + id + R"(","grappe":")" + grappe +
                        R"(","name":")" + name + R"(","payload":)" + payload.dump() + "}";
  co_await send_text(std::move(request));
  for (;;) {
    auto text = co_await read();
    // Presence lists and events are the bulk of what a subscriber receives; they are not parsed
    // (a `"type":"event"` pair can only be an event's: answers and errors hold no such pair).
    if (text.substr(0, 120).find("\"type\":\"presence\"") != std::string_view::npos) continue;
    if (text.find("\"type\":\"event\"") != std::string_view::npos) continue;
    auto msg = json::parse(text);
    auto type = msg.value("type", "");
    if ((type == "ack" || type == "rejected") && msg.value("id", "") == id) co_return msg;
    if (type == "error") throw std::runtime_error("error answer to a command: " + msg.dump());
  }
}

net::awaitable<void> Conn::subscribe(const std::string& grappe) {
  json request = {{"type", "subscribe"}, {"grappe", grappe}};
  co_await send(request);
  for (;;) {
    auto text = co_await read();
    if (text.substr(0, 120).find("\"type\":\"presence\"") != std::string_view::npos) continue;
    auto msg = json::parse(text);
    auto type = msg.value("type", "");
    if (type == "snapshot" && msg.value("grappe", "") == grappe) co_return;
    if (type == "error") throw std::runtime_error("subscribe refused: " + msg.dump());
  }
}

net::awaitable<void> Conn::create_grappe(const std::string& grappe, const std::string& name) {
  auto payload = create_grappe_payload(name);
  auto answer = co_await command(new_id(), grappe, "CreateGrappe", payload);
  if (answer.value("type", "") != "ack") {
    throw std::runtime_error("CreateGrappe rejected: " + answer.dump());
  }
}

json hello_message() {
  return {{"type", "hello"}, {"token", kToken}, {"client", "bench-server/1"}};
}

json create_grappe_payload(const std::string& name) {
  return {{"name", name},
          {"call", "default"},
          {"region", "75"},  // Nouvelle-Aquitaine, where the porteur's OG is
          {"porteur", kPorteurOg},
          {"description", "created by tools/bench-server"}};
}

std::string new_id() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
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

Loops::Loops(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    iocs_.push_back(std::make_unique<net::io_context>(1));
  }
}

void Loops::spawn(net::io_context& ioc, net::awaitable<void> task) {
  ++pending_;
  net::co_spawn(ioc, std::move(task), [this](std::exception_ptr e) {
    if (e) {
      std::string what = "unknown error";
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        what = x.what();
      } catch (...) {
      }
      std::lock_guard lock(mu_);
      if (error_.empty()) error_ = what;
    }
    --pending_;
  });
}

bool Loops::run_for(std::chrono::milliseconds limit) {
  std::vector<std::jthread> threads;
  for (auto& ioc : iocs_) {
    ioc->restart();
    threads.emplace_back([&ioc, limit] { ioc->run_for(limit); });
  }
  threads.clear();  // joins
  return pending_ == 0;
}

void Loops::stop() {
  for (auto& ioc : iocs_) ioc->stop();
}

std::string Loops::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return std::nan("");
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

}  // namespace grappe::bench
