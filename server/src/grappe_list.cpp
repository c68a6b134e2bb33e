#include "grappe_list.h"

#include <algorithm>

#include "hub.h"

namespace grappe::server {

ListChange ListChange::of(const domain::GrappeState& state) {
  using domain::MemberStatus;
  ListChange change;
  change.item = domain::summary_json(state);
  change.region = state.region;
  change.porteur = state.porteur;
  change.status = state.status;
  std::vector<std::string> departements;
  auto count = [&](const std::string& ej) -> int& {
    for (auto& [known, n] : change.ejs)
      if (known == ej) return n;
    return change.ejs.emplace_back(ej, 0).second;
  };
  count(state.porteur);
  for (const auto& m : state.members) {
    int& invited = count(m.ej);
    if (m.status == MemberStatus::kInvited) ++invited;
    if (m.status == MemberStatus::kInvited || m.status == MemberStatus::kAccepted) {
      if (!m.departement.empty()) departements.push_back(m.departement);
    }
  }
  std::sort(departements.begin(), departements.end());
  departements.erase(std::unique(departements.begin(), departements.end()), departements.end());
  change.item["departements"] = std::move(departements);
  return change;
}

int ListChange::todo_for(const domain::User& user) const {
  if (domain::instructs(user, region)) return status == domain::GrappeStatus::kSubmitted ? 1 : 0;
  if (status != domain::GrappeStatus::kOpen) return 0;
  int todo = 0;
  for (const auto& [ej, invited] : ejs) {
    if (domain::acts_for(user, ej)) todo += invited;
  }
  return todo;
}

nlohmann::json ListChange::item_for(const domain::User& user) const {
  auto j = item;
  j["todo"] = todo_for(user);
  return j;
}

nlohmann::json list_item(const domain::User& user, const domain::GrappeState& state) {
  return ListChange::of(state).item_for(user);
}

void ListWatchers::index_locked(const Subscriber* key, const domain::User& user, bool add) {
  auto apply = [&](Keys& keys) { add ? (void)keys.insert(key) : (void)keys.erase(key); };
  switch (user.role) {
    case domain::Role::kAdmin:
    case domain::Role::kAuditor:
      return apply(everything_);
    case domain::Role::kArs:
      for (const auto& r : user.regions) apply(regions_[r]);
      return;
    case domain::Role::kGestionnaire:
      for (const auto& ej : user.og) apply(ejs_[ej]);
      return;
  }
}

void ListWatchers::watch(const std::shared_ptr<Subscriber>& who, const domain::User& user) {
  std::lock_guard lock(mu_);
  if (auto it = all_.find(who.get()); it != all_.end()) {
    index_locked(who.get(), it->second.user, false);
    all_.erase(it);
  }
  all_.emplace(who.get(), Watcher{who, user});
  index_locked(who.get(), user, true);
  count_ = all_.size();
}

bool ListWatchers::unwatch(const Subscriber* who) {
  std::lock_guard lock(mu_);
  auto it = all_.find(who);
  if (it == all_.end()) return false;
  index_locked(who, it->second.user, false);
  all_.erase(it);
  count_ = all_.size();
  return true;
}

void ListWatchers::publish(const ListChange& change) {
  std::vector<std::pair<std::shared_ptr<Subscriber>, int>> to;
  {
    std::lock_guard lock(mu_);
    std::vector<const Subscriber*> keys(everything_.begin(), everything_.end());
    auto add = [&](const auto& index, const std::string& key) {
      if (auto it = index.find(key); it != index.end())
        keys.insert(keys.end(), it->second.begin(), it->second.end());
    };
    add(regions_, change.region);
    for (const auto& [ej, invited] : change.ejs) add(ejs_, ej);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    to.reserve(keys.size());
    for (const auto* key : keys) {
      const auto& w = all_.at(key);
      if (auto s = w.who.lock()) to.emplace_back(std::move(s), change.todo_for(w.user));
    }
  }
  // One frame per distinct `todo` (most readers share one).
  std::vector<std::pair<int, Frame>> frames;
  for (auto& [subscriber, count] : to) {
    const int todo = count;
    auto it = std::find_if(frames.begin(), frames.end(), [&](auto& f) { return f.first == todo; });
    if (it == frames.end()) {
      auto item = change.item;
      item["todo"] = todo;
      nlohmann::json msg = {{"type", "listItem"}, {"grappe", std::move(item)}};
      frames.emplace_back(todo, std::make_shared<const std::string>(msg.dump()));
      it = std::prev(frames.end());
    }
    subscriber->deliver(it->second);
  }
}

}  // namespace grappe::server
