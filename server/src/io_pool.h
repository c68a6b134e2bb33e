// The network threads: one io_context per thread, each run by its own thread, connections dealt
// out in turn. With one shared io_context, its threads passed every ready handler through the
// scheduler's one mutex and woke each other for it (the biggest source of futex calls at 64
// connections); with a context each, a connection's handlers stay on one thread and the
// scheduler is only contended by the threads that post answers and events to it.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace grappe::server {

class IoPool {
 public:
  explicit IoPool(int threads) {
    for (int i = 0; i < std::max(threads, 1); ++i) {
      contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
  }

  // The first context: the listener's, the signals', and the one run() runs on the caller.
  boost::asio::io_context& main() { return *contexts_.front(); }
  // The context for the next connection.
  boost::asio::io_context& next() {
    auto& ctx = *contexts_[next_ % contexts_.size()];
    ++next_;
    return ctx;
  }

  // Runs every context, the first on the calling thread, until stop(); then joins the others.
  void run() {
    std::vector<std::jthread> others;
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
      others.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
    }
    contexts_.front()->run();
  }
  void stop() {
    for (auto& ctx : contexts_) ctx->stop();
  }

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::size_t next_ = 0;  // used on the listener's strand only
};

}  // namespace grappe::server
