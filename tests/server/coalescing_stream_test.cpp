// The write-joining layer under WebSocket connections: order, joining, back-pressure.
#include "coalescing_stream.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace grappe::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A connected pair on loopback: `layer` on the server side, `peer` a plain socket.
struct Pair {
  net::io_context ioc;
  tcp::socket peer{ioc};
  std::optional<CoalescingStream> layer;

  Pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    peer.connect(acceptor.local_endpoint());
    layer.emplace(boost::beast::tcp_stream(acceptor.accept()));
  }

  // Reads exactly `n` bytes at the peer.
  std::string receive(std::size_t n) {
    std::string out(n, '\0');
    net::read(peer, net::buffer(out));
    return out;
  }
};

TEST(CoalescingStream, KeepsTheOrderOfJoinedAndLargeWrites) {
  Pair p;
  const std::string small1 = "first;", large(10000, 'L'), small2 = "last.";
  std::vector<std::string> parts = {small1, large, small2};
  std::size_t next = 0, completed = 0;
  p.layer->cork();
  std::function<void()> write_next = [&] {
    if (next == parts.size()) return p.layer->uncork();
    p.layer->async_write_some(net::buffer(parts[next++]),
                              [&](boost::beast::error_code ec, std::size_t n) {
                                ASSERT_FALSE(ec);
                                EXPECT_EQ(n, parts[next - 1].size());
                                ++completed;
                                write_next();
                              });
  };
  write_next();
  p.ioc.run_for(2s);
  EXPECT_EQ(completed, 3u);
  EXPECT_EQ(p.receive(small1.size() + large.size() + small2.size()), small1 + large + small2);
}

TEST(CoalescingStream, JoinsSmallWritesWhileCorked) {
  Pair p;
  p.layer->cork();
  int completed = 0;
  auto done = [&](boost::beast::error_code ec, std::size_t) {
    EXPECT_FALSE(ec);
    ++completed;
  };
  p.layer->async_write_some(net::buffer(std::string_view("event;")), done);
  p.ioc.run_for(100ms);
  p.ioc.restart();
  p.layer->async_write_some(net::buffer(std::string_view("ack.")), done);
  p.ioc.run_for(100ms);
  p.ioc.restart();
  EXPECT_EQ(completed, 2);  // completed at once, although nothing was sent yet
  p.peer.non_blocking(true);
  char buf[16];
  boost::system::error_code ec;
  p.peer.read_some(net::buffer(buf), ec);
  EXPECT_EQ(ec, net::error::would_block);
  p.peer.non_blocking(false);
  p.layer->uncork();
  p.ioc.run_for(100ms);
  EXPECT_EQ(p.receive(10), "event;ack.");
}

TEST(CoalescingStream, AStalledReaderHoldsBackTheWriter) {
  Pair p;
  const std::string chunk(16 * 1024, 'x');
  std::size_t written = 0;
  bool waiting = false;
  std::function<void()> write_next = [&] {
    waiting = true;
    p.layer->async_write_some(net::buffer(chunk), [&](boost::beast::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec);
      waiting = false;
      written += n;
      if (written < (256u << 20)) write_next();
    });
  };
  write_next();
  // Bounded: the kernel's buffers fill up long before 256 MiB, then the write waits.
  for (int i = 0; i < 100 && !(waiting && p.ioc.run_for(200ms) == 0); ++i) p.ioc.restart();
  EXPECT_TRUE(waiting);
  EXPECT_LT(written, 256u << 20);
  // The reader resumes: everything written so far arrives, in order.
  auto got = p.receive(written);
  EXPECT_EQ(got, std::string(written, 'x'));
}

}  // namespace
}  // namespace grappe::server
