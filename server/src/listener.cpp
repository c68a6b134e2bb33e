#include "listener.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>

#include "http_session.h"

namespace grappe::server {

namespace net = boost::asio;
namespace beast = boost::beast;

Listener::Listener(IoPool& io, const net::ip::tcp::endpoint& endpoint, ServerContext& ctx)
    : io_(io), acceptor_(net::make_strand(io.main())), ctx_(ctx) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(io_.next()),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    spdlog::warn("accept failed: {}", ec.message());  // e.g. out of file descriptors
  } else {
    // Small frames (an `event` then its `ack`) must not wait for the peer's delayed ACK (Nagle):
    // without this an ack took 40 ms.
    beast::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);
    auto peer = socket.remote_endpoint(ignored);
    Limits::Refusal why = Limits::Refusal::kNone;
    auto slot = ignored ? nullptr : ctx_.limits.open(peer.address(), why);
    std::make_shared<HttpSession>(std::move(socket), ctx_, std::move(slot), why)->run();
  }
  do_accept();
}

}  // namespace grappe::server
