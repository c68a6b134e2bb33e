// Test support: a TCP client that sends exactly the bytes it is given (hand-made HTTP requests,
// WebSocket frames with any header), for the tests of hostile input. Every read has a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace grappe::test {

class RawConn {
 public:
  explicit RawConn(unsigned short port);  // throws when it cannot connect
  ~RawConn();
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  // False when the peer closed or reset the connection.
  bool send(const std::string& bytes);
  // Everything until the peer closes or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // An HTTP response head and body (Content-Length or until close); nullopt on timeout.
  struct HttpReply {
    int status = 0;
    std::string head;  // status line and headers, lower-cased names
    std::string body;
    std::string header(const std::string& name) const;  // "" when absent
  };
  std::optional<HttpReply> read_http(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the peer closed (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

  // WebSocket: sends the opening handshake for /ws; true when answered 101.
  bool upgrade(const std::string& extra_headers = "");
  // Sends one masked frame (opcode 1 text, 2 binary, 8 close, 9 ping).
  bool send_frame(int opcode, const std::string& payload, bool fin = true);
  // Sends only a frame header declaring `length` bytes (no payload).
  bool send_frame_header(int opcode, std::uint64_t length);
  struct Frame {
    int opcode = -1;  // -1: none arrived (timeout or closed)
    std::string payload;
    int close_code() const;  // for a close frame: its code, 0 without one
  };
  Frame read_frame(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads frames until a close frame; its code, or -1 when none came.
  int read_close_code(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  // Reads at least `n` bytes into buffer_; false at the deadline or on close.
  bool fill(std::size_t n, std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// Text frame payload of `s` (a JSON message) — shorthand.
std::string hello_json(const std::string& token);

}  // namespace grappe::test
