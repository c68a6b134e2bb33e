// Accepts TCP connections and starts an HttpSession for each, on its own strand of the pool's
// contexts, dealt out in turn.
#pragma once

#include <boost/asio.hpp>
#include <memory>

#include "io_pool.h"
#include "server_context.h"

namespace grappe::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws boost::system::system_error when the address is unusable.
  Listener(IoPool& io, const boost::asio::ip::tcp::endpoint& endpoint, ServerContext& ctx);
  void run() { do_accept(); }
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  IoPool& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerContext& ctx_;
};

}  // namespace grappe::server
