#include "hub.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace grappe::server {

void Hub::subscribe(const std::string& grappe, const std::shared_ptr<Subscriber>& who,
                    PresenceEntry presence) {
  {
    std::lock_guard lock(mu_);
    auto [it, inserted] = grappes_[grappe].insert_or_assign(who.get(), Entry{who, presence});
    if (inserted) ++count_;
  }
  push_presence(grappe);
}

bool Hub::unsubscribe(const std::string& grappe, const Subscriber* who) {
  {
    std::lock_guard lock(mu_);
    auto it = grappes_.find(grappe);
    if (it == grappes_.end() || it->second.erase(who) == 0) return false;
    --count_;
    if (it->second.empty()) grappes_.erase(it);
  }
  push_presence(grappe);
  return true;
}

void Hub::drop(const Subscriber* who) {
  lists_.unwatch(who);
  std::vector<std::string> touched;
  {
    std::lock_guard lock(mu_);
    for (auto it = grappes_.begin(); it != grappes_.end();) {
      if (it->second.erase(who) > 0) {
        --count_;
        touched.push_back(it->first);
      }
      it = it->second.empty() ? grappes_.erase(it) : std::next(it);
    }
  }
  for (const auto& grappe : touched) push_presence(grappe);
}

bool Hub::set_presence(const std::string& grappe, const Subscriber* who, std::string status,
                       std::string focus) {
  {
    std::lock_guard lock(mu_);
    auto it = grappes_.find(grappe);
    if (it == grappes_.end()) return false;
    auto entry = it->second.find(who);
    if (entry == it->second.end()) return false;
    entry->second.presence.status = std::move(status);
    entry->second.presence.focus = std::move(focus);
  }
  push_presence(grappe);
  return true;
}

void Hub::publish(const std::string& grappe, std::uint64_t version, const Frame& frame) {
  std::vector<std::shared_ptr<Subscriber>> to;
  {
    std::lock_guard lock(mu_);
    auto it = grappes_.find(grappe);
    if (it == grappes_.end()) return;
    to.reserve(it->second.size());
    for (auto& [key, entry] : it->second) {
      if (auto s = entry.who.lock()) to.push_back(std::move(s));
    }
  }
  for (auto& s : to) s->deliver_event(grappe, version, frame);
}

void Hub::broadcast(const Frame& frame) {
  std::vector<std::shared_ptr<Subscriber>> to;
  {
    std::lock_guard lock(mu_);
    for (auto& [grappe, subscribers] : grappes_)
      for (auto& [key, entry] : subscribers)
        if (auto s = entry.who.lock()) to.push_back(std::move(s));
  }
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  for (auto& s : to) s->deliver(frame);
}

std::size_t Hub::subscriptions() const {
  std::lock_guard lock(mu_);
  return count_;
}

void Hub::collect_presence_locked(const std::string& grappe, Frame& frame,
                                  std::vector<std::shared_ptr<Subscriber>>& to) const {
  auto users = nlohmann::json::array();
  auto it = grappes_.find(grappe);
  if (it != grappes_.end()) {
    std::vector<const PresenceEntry*> entries;
    for (const auto& [key, entry] : it->second) {
      if (auto s = entry.who.lock()) {
        to.push_back(std::move(s));
        entries.push_back(&entry.presence);
      }
    }
    std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) {
      return std::tie(a->user_name, a->user_id, a->status, a->focus) <
             std::tie(b->user_name, b->user_id, b->status, b->focus);
    });
    for (const auto* p : entries) {
      users.push_back(
          {{"id", p->user_id}, {"name", p->user_name}, {"status", p->status}, {"focus", p->focus}});
    }
  }
  nlohmann::json msg = {{"type", "presence"}, {"grappe", grappe}, {"users", std::move(users)}};
  frame = std::make_shared<const std::string>(msg.dump());
}

void Hub::push_presence(const std::string& grappe) {
  Frame frame;
  std::vector<std::shared_ptr<Subscriber>> to;
  // Delivered under the lock so that two updates reach everyone in the same order (deliver()
  // only queues the frame).
  std::lock_guard lock(mu_);
  collect_presence_locked(grappe, frame, to);
  for (auto& s : to) s->deliver(frame);
}

}  // namespace grappe::server
