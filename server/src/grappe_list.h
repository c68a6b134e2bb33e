// The grappe list as each user sees it (GET /api/grappes and the WebSocket `list`/`listItem`
// messages, README "Protocol additions"), and the connections that watch it live.
//
// An item is PROTOCOL.md's summary plus `departements` (those of its invited and accepted
// members, sorted) and the user's own `todo`: for a gestionnaire, the invitations of its
// organisations' establishments awaiting an answer while the grappe is open; for an ARS agent of
// the grappe's region, 1 while the dossier is submitted; 0 otherwise.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "grappe/domain/state.h"
#include "grappe/domain/user.h"

namespace grappe::server {

class Subscriber;  // hub.h

// What a grappe's list item needs, copied out of its state (small: no members, no comments).
struct ListChange {
  nlohmann::json item;  // without `todo`
  std::string region, porteur;
  domain::GrappeStatus status = domain::GrappeStatus::kOpen;
  // Every EJ taking part (porteur, members of any status) with its establishments' invitations
  // awaiting an answer.
  std::vector<std::pair<std::string, int>> ejs;

  static ListChange of(const domain::GrappeState& state);
  int todo_for(const domain::User& user) const;
  nlohmann::json item_for(const domain::User& user) const;
};

// The list item of `state` for `user` (who may read it).
nlohmann::json list_item(const domain::User& user, const domain::GrappeState& state);

// The connections that asked for the list (`subscribeList`), indexed by what they may read, so
// that a change reaches exactly its readers in time proportional to their number. Who may read
// follows domain::may_read: admins and auditors everything, an ARS agent its regions, a
// gestionnaire the grappes its organisations carry or take part in. Thread-safe; frames are
// handed to the subscribers outside the lock.
class ListWatchers {
 public:
  // Adds or replaces `who`'s watch, as `user`.
  void watch(const std::shared_ptr<Subscriber>& who, const domain::User& user);
  // False when `who` was not watching.
  bool unwatch(const Subscriber* who);
  bool empty() const { return count_.load(std::memory_order_relaxed) == 0; }
  std::size_t size() const { return count_.load(std::memory_order_relaxed); }
  // Hands `{"type":"listItem","grappe":{…}}` to every watcher who may read the grappe.
  void publish(const ListChange& change);

 private:
  struct Watcher {
    std::weak_ptr<Subscriber> who;
    domain::User user;
  };
  using Keys = std::unordered_set<const Subscriber*>;
  void index_locked(const Subscriber* key, const domain::User& user, bool add);

  mutable std::mutex mu_;
  std::unordered_map<const Subscriber*, Watcher> all_;
  Keys everything_;                                // admins, auditors
  std::unordered_map<std::string, Keys> regions_;  // ARS agents by region
  std::unordered_map<std::string, Keys> ejs_;      // gestionnaires by EJ
  std::atomic<std::size_t> count_{0};
};

}  // namespace grappe::server
