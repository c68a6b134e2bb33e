#include "grappe/domain/user_directory.h"

namespace grappe::domain {

namespace {

// Drops `user`'s address from the index, if it still names that user.
void forget_email(std::unordered_map<std::string, std::string>& by_email, const User& user) {
  if (user.email.empty()) return;
  if (auto it = by_email.find(email_key(user.email)); it != by_email.end() && it->second == user.id)
    by_email.erase(it);
}

}  // namespace

const User* UserDirectory::find(std::string_view id) const {
  const auto it = users.find(id);
  return it == users.end() ? nullptr : &it->second;
}

const User* UserDirectory::find_by_token(std::string_view token_sha256) const {
  if (token_sha256.empty()) return nullptr;
  const auto it = by_token_.find(std::string(token_sha256));
  return it == by_token_.end() ? nullptr : find(it->second);
}

const User* UserDirectory::find_by_email(std::string_view email) const {
  if (email.empty()) return nullptr;
  const auto it = by_email_.find(email_key(email));
  return it == by_email_.end() ? nullptr : find(it->second);
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
    if (auto old = d.users.find(id); old != d.users.end()) forget_email(d.by_email_, old->second);
    d.users.insert_or_assign(id, saved->user);
    if (!saved->user.email.empty()) d.by_email_.insert_or_assign(email_key(saved->user.email), id);
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
    if (auto old = d.users.find(revoked->id); old != d.users.end())
      forget_email(d.by_email_, old->second);
    d.users.erase(revoked->id);
  }
  return d;
}

}  // namespace grappe::domain
