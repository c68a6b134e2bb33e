// Who is subscribed to which grappe, and their presence; who watches the grappe list (lists()).
// The Projector publishes each applied grappe event here; the hub hands the (pre-serialised)
// frame to every subscriber of that grappe, and the grappe's list item to its list's watchers.
// Presence (PROTOCOL.md v2 "Presence at scale"): one entry per person, the most recently active
// first, at most 100 with `count`; a grappe's pushes are coalesced, at most one per 250 ms (a
// change after a quiet spell goes at once, later ones wait for the hub's own flushing thread).
// Thread-safe; events reach subscribers outside the hub's lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "grappe_list.h"

namespace grappe::server {

using Frame = std::shared_ptr<const std::string>;

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // A grappe event, in version order. May be called from any thread; must not block.
  virtual void deliver_event(const std::string& grappe, std::uint64_t version, Frame frame) = 0;
  // Any other frame (presence lists).
  virtual void deliver(Frame frame) = 0;
};

struct PresenceEntry {
  std::string user_id, user_name;
  std::string status = "viewing";  // "viewing" | "editing"
  std::string focus;
};

class Hub {
 public:
  Hub();
  ~Hub();  // stops the flushing thread
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Adds or replaces `who`'s subscription to `grappe`; its presence list follows.
  void subscribe(const std::string& grappe, const std::shared_ptr<Subscriber>& who,
                 PresenceEntry presence);
  // Returns false when `who` was not subscribed.
  bool unsubscribe(const std::string& grappe, const Subscriber* who);
  // Forgets every subscription of `who`, and its watch of the list (its connection closed).
  void drop(const Subscriber* who);
  // Updates `who`'s presence on `grappe` (must be subscribed); false otherwise.
  bool set_presence(const std::string& grappe, const Subscriber* who, std::string status,
                    std::string focus);
  void publish(const std::string& grappe, std::uint64_t version, const Frame& frame);
  // Hands `frame` (not a grappe event) once to every subscriber of at least one grappe.
  void broadcast(const Frame& frame);

  std::size_t subscriptions() const;
  // The connections watching the grappe list.
  ListWatchers& lists() { return lists_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::weak_ptr<Subscriber> who;
    PresenceEntry presence;
    std::uint64_t active = 0;  // when it last changed (the hub's sequence)
  };
  using Grappe = std::unordered_map<const Subscriber*, Entry>;

  // Builds the presence frame of `grappe` and the subscribers to send it to (under the lock).
  void collect_presence_locked(const std::string& grappe, Frame& frame,
                               std::vector<std::shared_ptr<Subscriber>>& to) const;
  // `grappe`'s presence changed: pushed now, or when its 250 ms since the last push are over.
  void presence_changed_locked(const std::string& grappe);
  void push_presence_locked(const std::string& grappe);
  void flush_loop();

  mutable std::mutex mu_;
  std::unordered_map<std::string, Grappe> grappes_;
  std::size_t count_ = 0;
  std::uint64_t sequence_ = 0;
  std::unordered_map<std::string, Clock::time_point> last_push_;  // grappes with subscribers
  std::unordered_map<std::string, Clock::time_point> due_;        // pushes waiting, and when
  std::condition_variable wake_;
  bool stop_ = false;
  ListWatchers lists_;
  std::thread flusher_;  // last: started once the rest is built
};

}  // namespace grappe::server
