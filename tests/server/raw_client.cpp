#include "raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace grappe::test {

namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

}  // namespace

RawConn::RawConn(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot connect to the server");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConn::~RawConn() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConn::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawConn::fill(std::size_t n, Clock::time_point deadline) {
  char chunk[16384];
  while (buffer_.size() < n) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms_left(deadline)) <= 0) return false;
    auto got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

std::string RawConn::read_all(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (fill(buffer_.size() + 1, deadline)) {
  }
  return std::exchange(buffer_, {});
}

bool RawConn::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  char chunk[4096];
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms_left(deadline)) <= 0) return false;
    auto got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return true;
  }
}

std::string RawConn::HttpReply::header(const std::string& name) const {
  std::string key = "\r\n" + name + ":";
  std::transform(key.begin(), key.end(), key.begin(), ::tolower);
  auto at = head.find(key);
  if (at == std::string::npos) return "";
  auto start = head.find_first_not_of(' ', at + key.size());
  auto end = head.find("\r\n", start);
  return head.substr(start, end - start);
}

std::optional<RawConn::HttpReply> RawConn::read_http(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(buffer_.size() + 1, deadline)) return std::nullopt;
  }
  HttpReply reply;
  std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  reply.status = std::atoi(head.substr(9, 3).c_str());
  // Header names lower-cased, values kept.
  for (std::size_t i = 0; i < head.size();) {
    auto eol = std::min(head.find("\r\n", i), head.size());
    auto colon = head.find(':', i);
    if (colon != std::string::npos && colon < eol) {
      std::transform(head.begin() + i, head.begin() + colon, head.begin() + i, ::tolower);
    }
    i = eol + 2;
  }
  reply.head = "\r\n" + head + "\r\n";
  auto length = reply.header("content-length");
  if (!length.empty()) {
    auto n = std::stoul(length);
    if (!fill(n, deadline)) return std::nullopt;
    reply.body = buffer_.substr(0, n);
    buffer_.erase(0, n);
  } else if (reply.status != 101 && reply.status != 304) {
    reply.body = read_all(timeout);
  }
  return reply;
}

bool RawConn::upgrade(const std::string& extra_headers) {
  send(
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
      extra_headers + "\r\n");
  auto reply = read_http();
  return reply && reply->status == 101;
}

bool RawConn::send_frame_header(int opcode, std::uint64_t length) {
  std::string h;
  h.push_back(static_cast<char>(0x80 | opcode));
  if (length < 126) {
    h.push_back(static_cast<char>(0x80 | length));
  } else if (length < 65536) {
    h.push_back(static_cast<char>(0x80 | 126));
    h.push_back(static_cast<char>(length >> 8));
    h.push_back(static_cast<char>(length & 0xff));
  } else {
    h.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) h.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  }
  h.append("\x11\x22\x33\x44", 4);  // masking key
  return send(h);
}

bool RawConn::send_frame(int opcode, const std::string& payload, bool fin) {
  std::string masked = payload;
  const char key[4] = {0x11, 0x22, 0x33, 0x44};
  for (std::size_t i = 0; i < masked.size(); ++i) masked[i] ^= key[i % 4];
  std::string frame;
  if (!fin) {
    // Same header as send_frame_header but without FIN.
    frame.push_back(static_cast<char>(opcode));
    frame.push_back(static_cast<char>(0x80 | masked.size()));
    frame.append(key, 4);
    return send(frame + masked);
  }
  return send_frame_header(opcode, payload.size()) && send(masked);
}

int RawConn::Frame::close_code() const {
  if (opcode != 8 || payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

RawConn::Frame RawConn::read_frame(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  Frame f;
  if (!fill(2, deadline)) return f;
  auto b1 = static_cast<unsigned char>(buffer_[1]);
  std::uint64_t len = b1 & 0x7f;
  std::size_t head = 2;
  if (len == 126 || len == 127) {
    std::size_t extra = len == 126 ? 2 : 8;
    if (!fill(2 + extra, deadline)) return f;
    len = 0;
    for (std::size_t i = 0; i < extra; ++i)
      len = (len << 8) | static_cast<unsigned char>(buffer_[2 + i]);
    head += extra;
  }
  if (len > (16u << 20) || !fill(head + len, deadline)) return f;
  f.opcode = static_cast<unsigned char>(buffer_[0]) & 0x0f;
  f.payload = buffer_.substr(head, len);
  buffer_.erase(0, head + len);
  return f;
}

int RawConn::read_close_code(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto f = read_frame(std::chrono::milliseconds(ms_left(deadline)));
    if (f.opcode == -1) return -1;
    if (f.opcode == 8) return f.close_code();
  }
}

std::string hello_json(const std::string& token) {
  return nlohmann::json{{"type", "hello"}, {"token", token}}.dump();
}

}  // namespace grappe::test
