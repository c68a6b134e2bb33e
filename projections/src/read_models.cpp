// ReadModels: the live fold and the reads. Persistence and rebuilds: persistence.cpp.
#include "grappe/projections/read_models.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "models.h"

namespace grappe::projections {

ReadModels::ReadModels() {
  auto grappes = std::make_unique<GrappesProjection>();
  auto esms = std::make_unique<EstablishmentsProjection>();
  auto users = std::make_unique<UsersProjection>();
  all_ = {std::move(grappes), std::move(esms), std::move(users)};
  bind_typed();
}

ReadModels::~ReadModels() = default;

bool ReadModels::known(std::string_view name) {
  return std::ranges::find(kNames, name) != kNames.end();
}

std::size_t ReadModels::index(std::string_view name) const {
  return static_cast<std::size_t>(std::ranges::find(kNames, name) - kNames.begin());
}

// Decodes a record's event; nullopt for an unknown type or unreadable data.
std::optional<domain::Event> decode_record(const es::Record& record) {
  auto data = nlohmann::json::parse(record.data, nullptr, false);
  auto event = domain::decode(record.type, data);
  if (!event) return std::nullopt;
  return std::move(*event);
}

void ReadModels::apply_locked(const es::Record& record, const domain::Event* event,
                              bool catching_up) {
  for (auto& p : all_) {
    if (p->position >= record.position) continue;  // already folded (checkpoint ahead)
    if (event && p->wants(record.stream)) p->apply(record, *event);
    p->position = record.position;
  }
  if (!event && !catching_up) ++unknown_;
  position_ = std::max(position_, record.position);
  ++applied_;
}

ReadModels::Applied ReadModels::apply(const es::Record& record) {
  Applied applied;
  applied.event = decode_record(record);
  if (applied.event && domain::stream_kind(record.stream) == domain::StreamKind::kGrappe) {
    applied.grappe = std::string(domain::stream_id(record.stream));
  }
  std::vector<std::function<void()>> ready;
  {
    std::unique_lock lock(mu_);
    apply_locked(record, applied.event ? &*applied.event : nullptr, false);
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

std::optional<domain::GrappeState> ReadModels::grappe(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = grappes_->states.find(id);
  if (it == grappes_->states.end()) return std::nullopt;
  return it->second;
}

std::vector<domain::GrappeState> ReadModels::grappes(
    const std::function<bool(const domain::GrappeState&)>& keep) const {
  std::vector<domain::GrappeState> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, state] : grappes_->states) {
      if (keep(state)) out.push_back(state);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });
  return out;
}

ReadModels::GrappePage ReadModels::grappe_page(
    const std::function<bool(const domain::GrappeState&)>& keep, const std::vector<Facet>& facets,
    const std::pair<std::string, std::string>* after, std::size_t limit) const {
  GrappePage page;
  std::shared_lock lock(mu_);
  const auto* walked = &grappes_->index.all();
  for (const auto& [kind, value] : facets) {
    const auto& one = grappes_->index.with(GrappeIndex::facet(kind, value));
    if (one.size() < walked->size()) walked = &one;
  }
  for (auto it = after ? walked->upper_bound(*after) : walked->begin(); it != walked->end(); ++it) {
    const auto& state = (*it)->second;
    if (!keep(state)) continue;
    if (page.grappes.size() == limit) {
      page.more = true;
      break;
    }
    page.grappes.push_back(state);
  }
  return page;
}

domain::EsmsState ReadModels::esms(const std::string& finess) const {
  std::shared_lock lock(mu_);
  auto it = esms_->states.find(finess);
  return it == esms_->states.end() ? domain::EsmsState{} : it->second;
}

void ReadModels::for_each_esms(
    const std::function<void(const std::string&, const domain::EsmsState&)>& fn) const {
  std::shared_lock lock(mu_);
  for (const auto& [finess, state] : esms_->states) fn(finess, state);
}

std::optional<domain::User> ReadModels::user_by_token_hash(const std::string& hash) const {
  std::shared_lock lock(mu_);
  const auto* user = users_->directory.find_by_token(hash);
  if (!user) return std::nullopt;
  return *user;
}

std::optional<domain::User> ReadModels::user(const std::string& id) const {
  std::shared_lock lock(mu_);
  const auto* user = users_->directory.find(id);
  if (!user) return std::nullopt;
  return *user;
}

std::optional<domain::User> ReadModels::user_by_email(std::string_view email) const {
  std::shared_lock lock(mu_);
  const auto* user = users_->directory.find_by_email(email);
  if (!user) return std::nullopt;
  return *user;
}

std::vector<domain::User> ReadModels::users() const {
  std::shared_lock lock(mu_);
  return users_->directory.list();
}

void ReadModels::read_for_decision(
    const std::string& id,
    const std::function<void(const domain::GrappeState*, const EsmsLookup&)>& fn) const {
  std::shared_lock lock(mu_);
  auto it = grappes_->states.find(id);
  EsmsLookup esms = [this](const std::string& finess) {
    auto found = esms_->states.find(finess);
    return found == esms_->states.end() ? domain::EsmsState{} : found->second;
  };
  fn(it == grappes_->states.end() ? nullptr : &it->second, esms);
}

void ReadModels::with_grappe(const std::string& id,
                             const std::function<void(const domain::GrappeState*)>& fn) const {
  std::shared_lock lock(mu_);
  auto it = grappes_->states.find(id);
  fn(it == grappes_->states.end() ? nullptr : &it->second);
}

}  // namespace grappe::projections
