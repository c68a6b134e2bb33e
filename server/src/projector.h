// Keeps the read models current: reads them back from their checkpoints and folds the rest of the
// log at start, then follows it live, publishing each grappe event to the hub as a ready-to-send
// `event` frame. Saves the read models with their checkpoints when they changed (every second, or
// less often when saving takes long), and runs online rebuilds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "grappe/eventstore/store.h"
#include "hub.h"
#include "read_models.h"

namespace grappe::server {

// The `event` message of PROTOCOL.md for a grappe record, serialised.
std::string event_frame(const std::string& grappe, const es::Record& record);
// The `event` object inside it (also the shape of the events endpoint, without the hash).
nlohmann::json event_json(const es::Record& record);
// An event as the events endpoint and receipts give it: event_json plus version, position, hash
// and id.
nlohmann::json stored_event_json(const es::Record& record);

class Projector {
 public:
  Projector(es::Store& store, ReadModels& models, Hub& hub);
  ~Projector();

  // Loads the read models, folds what the log has beyond their checkpoints (progress logged),
  // then subscribes from there. Throws std::runtime_error when the read models cannot be read or
  // saved.
  void start();
  // Stops following the log (waits for the subscription's thread and any rebuild), then saves
  // the read models.
  void stop();
  bool live() const { return live_; }

  // Starts an online rebuild of the named projection on a worker thread. False (with `why`)
  // when the name is unknown or that projection is already being rebuilt.
  bool rebuild(const std::string& name, std::string& why);

 private:
  void subscribe();
  void on_record(const es::Record& record);
  void publish_list_item(const std::string& grappe);

  es::Store& store_;
  ReadModels& models_;
  Hub& hub_;
  std::unique_ptr<es::Subscription> subscription_;
  void flush_loop(std::stop_token stop);

  std::thread retry_;  // re-subscribes after a drop
  std::jthread flusher_;
  std::mutex rebuild_mu_;
  std::vector<std::thread> rebuilds_;
  std::atomic<bool> live_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace grappe::server
