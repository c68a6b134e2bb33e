#include "hub.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace grappe::server {

namespace {

constexpr auto kPresenceEvery = std::chrono::milliseconds(250);
constexpr std::size_t kPresenceListed = 100;

}  // namespace

Hub::Hub() : flusher_([this] { flush_loop(); }) {}

Hub::~Hub() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  flusher_.join();
}

void Hub::subscribe(const std::string& grappe, const std::shared_ptr<Subscriber>& who,
                    PresenceEntry presence) {
  std::lock_guard lock(mu_);
  auto [it, inserted] =
      grappes_[grappe].insert_or_assign(who.get(), Entry{who, std::move(presence), ++sequence_});
  if (inserted) ++count_;
  presence_changed_locked(grappe);
}

bool Hub::unsubscribe(const std::string& grappe, const Subscriber* who) {
  std::lock_guard lock(mu_);
  auto it = grappes_.find(grappe);
  if (it == grappes_.end() || it->second.erase(who) == 0) return false;
  --count_;
  if (it->second.empty()) {
    grappes_.erase(it);
    last_push_.erase(grappe);
    due_.erase(grappe);
    return true;
  }
  presence_changed_locked(grappe);
  return true;
}

void Hub::drop(const Subscriber* who) {
  lists_.unwatch(who);
  std::lock_guard lock(mu_);
  for (auto it = grappes_.begin(); it != grappes_.end();) {
    if (it->second.erase(who) == 0) {
      ++it;
      continue;
    }
    --count_;
    if (!it->second.empty()) {
      presence_changed_locked(it->first);
      ++it;
      continue;
    }
    last_push_.erase(it->first);
    due_.erase(it->first);
    it = grappes_.erase(it);
  }
}

bool Hub::set_presence(const std::string& grappe, const Subscriber* who, std::string status,
                       std::string focus) {
  std::lock_guard lock(mu_);
  auto it = grappes_.find(grappe);
  if (it == grappes_.end()) return false;
  auto entry = it->second.find(who);
  if (entry == it->second.end()) return false;
  entry->second.presence.status = std::move(status);
  entry->second.presence.focus = std::move(focus);
  entry->second.active = ++sequence_;
  presence_changed_locked(grappe);
  return true;
}

void Hub::presence_changed_locked(const std::string& grappe) {
  if (due_.contains(grappe)) return;  // a push is on its way, with this change
  const auto now = Clock::now();
  auto [last, first] = last_push_.try_emplace(grappe, Clock::time_point{});
  if (now - last->second >= kPresenceEvery) {
    push_presence_locked(grappe);
    last->second = now;
    return;
  }
  due_.emplace(grappe, last->second + kPresenceEvery);
  wake_.notify_one();
}

void Hub::flush_loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto next = due_.begin()->second;
    for (const auto& [grappe, when] : due_) next = std::min(next, when);
    if (Clock::now() < next) {
      wake_.wait_until(lock, next);
      continue;
    }
    const auto now = Clock::now();
    for (auto it = due_.begin(); it != due_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      push_presence_locked(it->first);
      last_push_[it->first] = now;
      it = due_.erase(it);
    }
  }
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
  // One entry per person: editing over viewing, the focus of their latest change.
  struct Person {
    const PresenceEntry* latest;
    std::uint64_t active;
    bool editing;
  };
  std::unordered_map<std::string_view, Person> people;
  auto it = grappes_.find(grappe);
  if (it != grappes_.end()) {
    for (const auto& [key, entry] : it->second) {
      auto s = entry.who.lock();
      if (!s) continue;
      to.push_back(std::move(s));
      const bool editing = entry.presence.status == "editing";
      auto [p, added] = people.try_emplace(entry.presence.user_id,
                                           Person{&entry.presence, entry.active, editing});
      if (added) continue;
      p->second.editing |= editing;
      if (entry.active > p->second.active) {
        p->second.latest = &entry.presence;
        p->second.active = entry.active;
      }
    }
  }
  std::vector<const Person*> listed;
  listed.reserve(people.size());
  for (const auto& [id, person] : people) listed.push_back(&person);
  const std::size_t shown = std::min(listed.size(), kPresenceListed);
  std::partial_sort(listed.begin(), listed.begin() + static_cast<std::ptrdiff_t>(shown),
                    listed.end(),
                    [](const Person* a, const Person* b) { return a->active > b->active; });
  auto users = nlohmann::json::array();
  for (std::size_t i = 0; i < shown; ++i) {
    const PresenceEntry& p = *listed[i]->latest;
    users.push_back({{"id", p.user_id},
                     {"name", p.user_name},
                     {"status", listed[i]->editing ? "editing" : "viewing"},
                     {"focus", p.focus}});
  }
  nlohmann::json msg = {{"type", "presence"},
                        {"grappe", grappe},
                        {"users", std::move(users)},
                        {"count", people.size()}};
  frame = std::make_shared<const std::string>(msg.dump());
}

void Hub::push_presence_locked(const std::string& grappe) {
  // Delivered under the lock so that two updates reach everyone in the same order (deliver()
  // only queues the frame).
  Frame frame;
  std::vector<std::shared_ptr<Subscriber>> to;
  collect_presence_locked(grappe, frame, to);
  for (auto& s : to) s->deliver(frame);
}

}  // namespace grappe::server
