#include "support/ws_client.h"

#include <poll.h>

#include <cstdio>
#include <stdexcept>

namespace grappe::test {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
}

}  // namespace

Ws::Ws(unsigned short port, int rcvbuf) : ws_(ioc_) {
  auto& sock = beast::get_lowest_layer(ws_).socket();
  sock.open(tcp::v4());
  if (rcvbuf > 0) sock.set_option(net::socket_base::receive_buffer_size(rcvbuf));
  const tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  auto ec = run_for(
      [&](Completion done) {
        beast::get_lowest_layer(ws_).socket().async_connect(
            server, [done](boost::system::error_code e) { done(e); });
      },
      kWriteTimeout);
  if (ec) throw boost::system::system_error(ec, "WebSocket connect");
  ec = run_for(
      [&](Completion done) {
        ws_.async_handshake("127.0.0.1", "/ws", [done](boost::system::error_code e) { done(e); });
      },
      kWriteTimeout);
  if (ec) throw boost::system::system_error(ec, "WebSocket handshake");
}

void Ws::send(const json& msg) {
  send_text(msg.dump());
}

void Ws::send_text(const std::string& text) {
  ws_.text(true);
  auto ec = run_for(
      [&](Completion done) {
        ws_.async_write(net::buffer(text),
                        [done](boost::system::error_code e, std::size_t) { done(e); });
      },
      kWriteTimeout);
  if (ec) throw boost::system::system_error(ec, "WebSocket write");
}

// Beast's timeouts apply to asynchronous operations only, and a synchronous call can block for
// ever: every operation is started asynchronously and the client's own io_context is run for at
// most `timeout`; past it the socket's operations are cancelled.
boost::system::error_code Ws::run_for(const std::function<void(Completion)>& start,
                                      std::chrono::milliseconds timeout) {
  boost::system::error_code result = net::error::timed_out;
  bool done = false;
  start([&](boost::system::error_code ec) {
    result = ec;
    done = true;
  });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!done) {
    beast::get_lowest_layer(ws_).socket().cancel();
    ioc_.restart();
    ioc_.run();
    return net::error::timed_out;
  }
  return result;
}

boost::system::error_code Ws::read_for(std::chrono::milliseconds timeout) {
  buffer_.consume(buffer_.size());
  return run_for(
      [&](Completion done) {
        ws_.async_read(buffer_, [done](boost::system::error_code e, std::size_t) { done(e); });
      },
      timeout);
}

Ws::json Ws::read(std::chrono::milliseconds timeout) {
  auto ec = read_for(timeout);
  if (ec) throw std::runtime_error("WebSocket read failed: " + ec.message());
  return json::parse(beast::buffers_to_string(buffer_.data()));
}

Ws::json Ws::read_until(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = left_until(deadline);
    if (left.count() <= 0) throw std::runtime_error("no " + type + " message in time");
    auto msg = read(left);
    if (msg.value("type", "") == type) return msg;
    skipped.push_back(std::move(msg));
  }
}

Ws::json Ws::hello(const std::string& tok, const std::string& client) {
  send({{"type", "hello"}, {"token", tok}, {"client", client}});
  return read_until("welcome");
}

Ws::json Ws::answer(const std::string& id, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = left_until(deadline);
    if (left.count() <= 0) throw std::runtime_error("no answer to command " + id + " in time");
    auto msg = read(left);
    const auto type = msg.value("type", "");
    if ((type == "ack" || type == "rejected") && msg.value("id", "") == id) return msg;
    if (type == "error") throw std::runtime_error("error message: " + msg.dump());
    skipped.push_back(std::move(msg));
  }
}

int Ws::read_close_code(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = left_until(deadline);
    if (left.count() <= 0) return 0;
    auto ec = read_for(left);
    if (ec == beast::websocket::error::closed) return ws_.reason().code;
    if (ec) {
      std::fprintf(stderr, "read_close_code: %s\n", ec.message().c_str());
      return 0;
    }
  }
}

bool Ws::peer_closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const int fd = beast::get_lowest_layer(ws_).socket().native_handle();
  for (;;) {
    auto left = left_until(deadline);
    if (left.count() <= 0) return false;
    // POLLRDHUP: the peer's FIN, whatever unread data (pings) precedes it.
    pollfd p{fd, POLLRDHUP, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
    }
  }
}

}  // namespace grappe::test
