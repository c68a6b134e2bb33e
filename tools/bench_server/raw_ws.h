// A minimal WebSocket client on a raw non-blocking socket, for the load phases: the load
// shares the machine's cores with the server under test, so it sends each command with one
// send() and reads with one recv() per readiness (a Beast stream reads once more to find the
// socket empty, and its coroutine and timer layers cost as much again).
//
// Only what the benchmark needs of RFC 6455: client frames masked, text messages (fragmented or
// not), pings answered, a close reported as an error. Set-up calls block until `deadline`.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "server.h"

namespace grappe::bench {

class RawWs {
 public:
  using Clock = std::chrono::steady_clock;

  RawWs() = default;
  explicit RawWs(std::string token) : token_(std::move(token)) {}
  RawWs(const RawWs&) = delete;
  RawWs& operator=(const RawWs&) = delete;
  ~RawWs();

  // Connects to 127.0.0.1:port, upgrades on /ws and says hello with its token (kToken unless
  // given); returns on `welcome`.
  void open(unsigned short port, Clock::time_point deadline);
  // Sends one text message; throws if the socket fails.
  void send_text(std::string_view text);
  // One recv() of what the socket holds; false when it held nothing. Throws on close or error.
  bool fill();
  // The next complete text message already received, if any; valid until the next call.
  std::optional<std::string_view> next_message();
  // The next text message, waiting for it until `deadline` (throws then).
  std::string_view wait_message(Clock::time_point deadline);

  // The answer (ack or rejected) to command `id`, skipping other messages; waits until `deadline`.
  std::string wait_answer(const std::string& id, Clock::time_point deadline);
  // Set-up: subscribes to `grappe` and reads until its snapshot.
  void subscribe(const std::string& grappe, Clock::time_point deadline);

  int fd() const { return fd_; }
  // Bytes received on the socket so far (the upgrade's answer included).
  std::uint64_t received() const { return received_; }

 private:
  void send_frame(unsigned char opcode, std::string_view payload);
  void wait_readable(Clock::time_point deadline);

  int fd_ = -1;
  std::string token_ = kToken;
  std::uint64_t received_ = 0;
  std::string in_;        // bytes received and not yet consumed
  std::size_t used_ = 0;  // consumed prefix of in_
  std::string message_;   // a fragmented message, assembled
  std::string out_;       // the frame being sent
  unsigned mask_ = 0x9e3779b9;
};

// A level-triggered epoll set: one recv per readiness, never one to find a socket empty.
class Epoll {
 public:
  Epoll();
  Epoll(const Epoll&) = delete;
  Epoll& operator=(const Epoll&) = delete;
  ~Epoll();
  void add(int fd, void* data);
  // Ready sockets (at most `max`), waiting up to `timeout_ms`; 0 when interrupted.
  int wait(epoll_event* events, int max, int timeout_ms);

 private:
  int fd_;
};

// Runs work(i) for i in [0, threads) on that many threads and joins them; the message of the
// first exception one of them threw, or empty.
template <class Work>
std::string run_on_threads(int threads, Work work) {
  std::vector<std::string> errors(static_cast<std::size_t>(threads));
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        try {
          work(t);
        } catch (const std::exception& e) {
          errors[static_cast<std::size_t>(t)] = e.what();
        }
      });
    }
  }
  for (auto& e : errors) {
    if (!e.empty()) return e;
  }
  return {};
}

}  // namespace grappe::bench
