#include "grappe/domain/user_directory.h"

namespace grappe::domain {

const User* UserDirectory::find(std::string_view id) const {
  const auto it = users.find(id);
  return it == users.end() ? nullptr : &it->second;
}

const User* UserDirectory::find_by_token(std::string_view token_sha256) const {
  if (token_sha256.empty()) return nullptr;
  const auto it = by_token_.find(std::string(token_sha256));
  return it == by_token_.end() ? nullptr : find(it->second);
}

std::vector<User> UserDirectory::list() const {
  std::vector<User> out;
  out.reserve(users.size());
  for (const auto& [id, user] : users) out.push_back(user);
  return out;
}

UserDirectory evolve_users(UserDirectory d, const Event& event, const EventMeta& meta) {
  d.version = meta.version;
  if (const auto* saved = std::get_if<UserSaved>(&event)) {
    const std::string& id = saved->user.id;
    d.users.insert_or_assign(id, saved->user);
    if (!saved->token_sha256.empty()) {
      if (auto old = d.token_hashes.find(id); old != d.token_hashes.end())
        d.by_token_.erase(old->second);
      d.token_hashes.insert_or_assign(id, saved->token_sha256);
      d.by_token_.insert_or_assign(saved->token_sha256, id);
    }
  } else if (const auto* revoked = std::get_if<UserRevoked>(&event)) {
    if (auto old = d.token_hashes.find(revoked->id); old != d.token_hashes.end()) {
      d.by_token_.erase(old->second);
      d.token_hashes.erase(old);
    }
    d.users.erase(revoked->id);
  }
  return d;
}

}  // namespace grappe::domain
