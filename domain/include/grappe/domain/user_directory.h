// grappe/domain/user_directory.h — the users, folded from the `users` stream.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/domain/user.h"

namespace grappe::domain {

struct UserDirectory {
  std::uint64_t version = 0;
  std::map<std::string, User, std::less<>> users;                // by id
  std::map<std::string, std::string, std::less<>> token_hashes;  // id → token SHA-256 (hex)

  const User* find(std::string_view id) const;
  // The user whose token hashes to `token_sha256`; nullptr when none.
  const User* find_by_token(std::string_view token_sha256) const;
  // The user whose address is `email` ignoring case (email_key); nullptr when none.
  const User* find_by_email(std::string_view email) const;
  // Users by id.
  std::vector<User> list() const;

 private:
  friend UserDirectory evolve_users(UserDirectory, const Event&, const EventMeta&);
  std::unordered_map<std::string, std::string> by_token_;  // token hash → id
  std::unordered_map<std::string, std::string> by_email_;  // email_key → id
};

// UserSaved creates or replaces a user (an empty token hash keeps its token); UserRevoked removes
// it and its token. Other events only bump the version.
UserDirectory evolve_users(UserDirectory directory, const Event& event, const EventMeta& meta);

}  // namespace grappe::domain
