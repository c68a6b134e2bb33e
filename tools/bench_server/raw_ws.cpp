#include "raw_ws.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "setup.h"

namespace grappe::bench {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

int remaining_ms(RawWs::Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - RawWs::Clock::now());
  return static_cast<int>(std::max<long long>(left.count(), 0));
}

void wait_for(int fd, short events, RawWs::Clock::time_point deadline, const char* what) {
  pollfd p{fd, events, 0};
  int n = 0;
  do {
    n = ::poll(&p, 1, remaining_ms(deadline));
  } while (n < 0 && errno == EINTR);
  if (n < 0) fail("poll");
  if (n == 0) throw std::runtime_error(std::string("timed out ") + what);
}

}  // namespace

RawWs::~RawWs() {
  if (fd_ >= 0) ::close(fd_);
}

void RawWs::open(unsigned short port, Clock::time_point deadline) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail("socket");
  int one = 1;
  // Small request/answer frames: Nagle's algorithm would hold them back behind delayed ACKs.
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    if (errno != EINPROGRESS) fail("connect");
    wait_for(fd_, POLLOUT, deadline, "connecting");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      fail("connect");
    }
  }
  std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd_, upgrade.data(), upgrade.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(upgrade.size())) {
    fail("sending the upgrade request");
  }
  std::size_t end = std::string::npos;
  while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
    wait_for(fd_, POLLIN, deadline, "waiting for the upgrade");
    fill();
  }
  if (!in_.starts_with("HTTP/1.1 101")) {
    throw std::runtime_error("WebSocket upgrade refused: " + in_.substr(0, in_.find("\r\n")));
  }
  used_ = end + 4;
  send_text(hello_message(token_).dump());
  for (;;) {
    auto text = wait_message(deadline);
    auto msg = nlohmann::json::parse(text);
    auto type = msg.value("type", "");
    if (type == "welcome") return;
    if (type == "error") throw std::runtime_error("hello refused: " + msg.dump());
  }
}

void RawWs::send_text(std::string_view text) {
  send_frame(0x1, text);
}

void RawWs::send_frame(unsigned char opcode, std::string_view payload) {
  out_.clear();
  out_.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    out_.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    out_.push_back(static_cast<char>(0x80 | 126));
    out_.push_back(static_cast<char>(n >> 8));
    out_.push_back(static_cast<char>(n & 0xff));
  } else {
    out_.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(n >> shift));
  }
  // Masking keys need no cryptographic quality here (xorshift).
  mask_ ^= mask_ << 13;
  mask_ ^= mask_ >> 17;
  mask_ ^= mask_ << 5;
  unsigned char key[4];
  std::memcpy(key, &mask_, 4);
  out_.append(reinterpret_cast<const char*>(key), 4);
  const std::size_t start = out_.size();
  out_.append(payload);
  for (std::size_t i = 0; i < n; ++i)
    out_[start + i] = static_cast<char>(out_[start + i] ^ key[i & 3]);
  for (std::size_t sent = 0; sent < out_.size();) {
    auto k = ::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (k >= 0) {
      sent += static_cast<std::size_t>(k);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_for(fd_, POLLOUT, Clock::now() + std::chrono::seconds(10), "sending");
    } else if (errno != EINTR) {
      fail("send");
    }
  }
}

bool RawWs::fill() {
  if (used_ == in_.size()) {
    in_.clear();
    used_ = 0;
  } else if (used_ > in_.size() / 2) {
    in_.erase(0, used_);
    used_ = 0;
  }
  const std::size_t had = in_.size();
  ssize_t k = 0;
  // Not zero-filled first (resize would write the 64 KiB on every call).
  in_.resize_and_overwrite(had + kReadChunk, [&](char* data, std::size_t) {
    do {
      k = ::recv(fd_, data + had, kReadChunk, 0);
    } while (k < 0 && errno == EINTR);
    return had + static_cast<std::size_t>(std::max<ssize_t>(k, 0));
  });
  if (k > 0) {
    received_ += static_cast<std::uint64_t>(k);
    return true;
  }
  if (k == 0) throw std::runtime_error("the server closed a connection");
  if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
  fail("recv");
}

std::optional<std::string_view> RawWs::next_message() {
  for (;;) {
    const auto* p = reinterpret_cast<const unsigned char*>(in_.data() + used_);
    const std::size_t avail = in_.size() - used_;
    if (avail < 2) return std::nullopt;
    const bool fin = (p[0] & 0x80) != 0;
    const unsigned opcode = p[0] & 0x0f;
    const bool masked = (p[1] & 0x80) != 0;
    std::size_t header = 2;
    std::uint64_t len = p[1] & 0x7f;
    if (len == 126) {
      if (avail < 4) return std::nullopt;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (avail < 10) return std::nullopt;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
    }
    const std::size_t key_at = header;
    if (masked) header += 4;
    if (avail < header + len) return std::nullopt;
    char* payload = in_.data() + used_ + header;
    if (masked) {
      for (std::size_t i = 0; i < len; ++i) payload[i] ^= static_cast<char>(p[key_at + (i & 3)]);
    }
    std::string_view data(payload, len);
    used_ += header + len;
    switch (opcode) {
      case 0x0:  // continuation
        message_.append(data);
        if (!fin) continue;
        return std::string_view(message_);
      case 0x1:
      case 0x2:
        if (fin) return data;
        message_.assign(data);
        continue;
      case 0x8: {
        unsigned code = len >= 2 ? (static_cast<unsigned char>(data[0]) << 8) |
                                       static_cast<unsigned char>(data[1])
                                 : 1005;
        throw std::runtime_error("the server closed a connection with code " +
                                 std::to_string(code));
      }
      case 0x9:
        send_frame(0xA, data);
        continue;
      default:  // pong
        continue;
    }
  }
}

void RawWs::wait_readable(Clock::time_point deadline) {
  wait_for(fd_, POLLIN, deadline, "waiting for the server");
}

std::string_view RawWs::wait_message(Clock::time_point deadline) {
  for (;;) {
    if (auto m = next_message()) return *m;
    wait_readable(deadline);
    fill();
  }
}

std::string RawWs::wait_answer(const std::string& id, Clock::time_point deadline) {
  for (;;) {
    auto text = wait_message(deadline);
    if (text.find("\"type\":\"event\"") != std::string_view::npos) continue;
    auto msg = nlohmann::json::parse(text);
    auto type = msg.value("type", "");
    if ((type == "ack" || type == "rejected") && msg.value("id", "") == id) return msg.dump();
    if (type == "error") throw std::runtime_error("error answer to a command: " + msg.dump());
  }
}

void RawWs::subscribe(const std::string& grappe, Clock::time_point deadline) {
  nlohmann::json request = {{"type", "subscribe"}, {"grappe", grappe}};
  send_text(request.dump());
  for (;;) {
    auto text = wait_message(deadline);
    if (text.substr(0, 120).find("\"type\":\"presence\"") != std::string_view::npos) continue;
    auto msg = nlohmann::json::parse(text);
    auto type = msg.value("type", "");
    if (type == "snapshot" && msg.value("grappe", "") == grappe) return;
    if (type == "error") throw std::runtime_error("subscribe refused: " + msg.dump());
  }
}

Epoll::Epoll() : fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (fd_ < 0) fail("epoll_create1");
}

Epoll::~Epoll() {
  ::close(fd_);
}

void Epoll::add(int fd, void* data) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = data;
  if (::epoll_ctl(fd_, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl");
}

int Epoll::wait(epoll_event* events, int max, int timeout_ms) {
  int n = ::epoll_wait(fd_, events, max, timeout_ms);
  if (n < 0 && errno != EINTR) fail("epoll_wait");
  return std::max(n, 0);
}

}  // namespace grappe::bench
