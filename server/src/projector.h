// Keeps the read models current: folds the log from position 0 at start, then follows it live,
// and publishes each grappe event to the hub as a ready-to-send `event` frame.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "grappe/eventstore/store.h"
#include "hub.h"
#include "read_models.h"

namespace grappe::server {

// The `event` message of PROTOCOL.md for a grappe record.
nlohmann::json event_message(const std::string& grappe, const es::Record& record);
// The `event` object inside it (also the shape of the events endpoint, without the hash).
nlohmann::json event_json(const es::Record& record);

class Projector {
 public:
  Projector(es::Store& store, ReadModels& models, Hub& hub);
  ~Projector();

  // Subscribes from the read models' position and returns once they are caught up with the
  // log as it was when start() was called (progress logged for long logs).
  void start();
  // Stops following the log (waits for the subscription's thread).
  void stop();
  bool live() const { return live_; }

 private:
  void subscribe();
  void on_record(const es::Record& record);

  es::Store& store_;
  ReadModels& models_;
  Hub& hub_;
  std::unique_ptr<es::Subscription> subscription_;
  std::thread retry_;  // re-subscribes after a drop
  std::atomic<bool> live_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace grappe::server
