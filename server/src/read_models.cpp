#include "read_models.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "grappe/domain/streams.h"

namespace grappe::server {

domain::EventMeta event_meta(const es::Record& r) {
  return domain::EventMeta{r.version, es::format_timestamp(r.timestamp), r.actor.id, r.actor.name};
}

namespace {}  // namespace

ReadModels::Applied ReadModels::apply(const es::Record& record) {
  Applied applied;
  auto data = nlohmann::json::parse(record.data, nullptr, false);
  auto event = domain::decode(record.type, data);
  std::vector<std::function<void()>> ready;
  {
    std::unique_lock lock(mu_);
    position_ = record.position;
    if (!event) {
      ++unknown_;
    } else {
      applied.event = *event;
      auto kind = domain::stream_kind(record.stream);
      std::string id(domain::stream_id(record.stream));
      if (kind == domain::StreamKind::kGrappe) {
        auto& state = grappes_[id];
        state = domain::evolve(std::move(state), *event, event_meta(record));
        applied.grappe = std::move(id);
      } else if (kind == domain::StreamKind::kEsms) {
        auto& state = esms_[id];
        state = domain::evolve_esms(std::move(state), *event, event_meta(record));
      } else if (kind == domain::StreamKind::kUsers) {
        users_ = domain::evolve_users(std::move(users_), *event, event_meta(record));
      }
    }
    run_waiters_locked(ready);
  }
  for (auto& fn : ready) fn();
  return applied;
}

void ReadModels::run_waiters_locked(std::vector<std::function<void()>>& ready) {
  auto end = waiters_.upper_bound(position_);
  for (auto it = waiters_.begin(); it != end; ++it) ready.push_back(std::move(it->second));
  waiters_.erase(waiters_.begin(), end);
}

std::uint64_t ReadModels::position() const {
  std::shared_lock lock(mu_);
  return position_;
}

std::uint64_t ReadModels::unknown_events() const {
  std::shared_lock lock(mu_);
  return unknown_;
}

std::optional<domain::GrappeState> ReadModels::grappe(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = grappes_.find(id);
  if (it == grappes_.end()) return std::nullopt;
  return it->second;
}

std::vector<domain::GrappeState> ReadModels::grappes(
    const std::function<bool(const domain::GrappeState&)>& keep) const {
  std::vector<domain::GrappeState> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, state] : grappes_) {
      if (keep(state)) out.push_back(state);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });
  return out;
}

domain::EsmsState ReadModels::esms(const std::string& finess) const {
  std::shared_lock lock(mu_);
  auto it = esms_.find(finess);
  return it == esms_.end() ? domain::EsmsState{} : it->second;
}

std::optional<domain::User> ReadModels::user_by_token_hash(const std::string& hash) const {
  std::shared_lock lock(mu_);
  const auto* user = users_.find_by_token(hash);
  if (!user) return std::nullopt;
  return *user;
}

std::optional<domain::User> ReadModels::user(const std::string& id) const {
  std::shared_lock lock(mu_);
  const auto* user = users_.find(id);
  if (!user) return std::nullopt;
  return *user;
}

std::vector<domain::User> ReadModels::users() const {
  std::shared_lock lock(mu_);
  return users_.list();
}

void ReadModels::with_grappe(const std::string& id,
                             const std::function<void(const domain::GrappeState*)>& fn) const {
  std::shared_lock lock(mu_);
  auto it = grappes_.find(id);
  fn(it == grappes_.end() ? nullptr : &it->second);
}

void ReadModels::when_applied(std::uint64_t pos, std::function<void()> fn) {
  {
    std::unique_lock lock(mu_);
    if (position_ < pos) {
      waiters_.emplace(pos, std::move(fn));
      return;
    }
  }
  fn();
}

}  // namespace grappe::server
