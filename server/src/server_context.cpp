#include "server_context.h"

#include <openssl/sha.h>

#include <array>

namespace grappe::server {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::optional<domain::User> ServerContext::authenticate(std::string_view token) const {
  if (token.empty() || token.size() > 512) return std::nullopt;
  return models.user_by_token_hash(sha256_hex(token));
}

void SessionSet::add(const void* key, const std::string& user_id, Closer close,
                     std::string browser_session) {
  std::lock_guard lock(mu_);
  sessions_[key] = Entry{user_id, std::move(close), std::move(browser_session)};
}

void SessionSet::remove(const void* key) {
  std::lock_guard lock(mu_);
  sessions_.erase(key);
}

void SessionSet::close_all(int code) {
  std::vector<Closer> closers;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, entry] : sessions_) closers.push_back(entry.close);
  }
  for (auto& close : closers) close(code);
}

void SessionSet::close_user(const std::string& user_id, int code) {
  std::vector<Closer> closers;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, entry] : sessions_) {
      if (entry.user_id == user_id) closers.push_back(entry.close);
    }
  }
  for (auto& close : closers) close(code);
}

void SessionSet::close_browser_session(const std::string& hash, int code) {
  std::vector<Closer> closers;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, entry] : sessions_) {
      if (!hash.empty() && entry.browser_session == hash) closers.push_back(entry.close);
    }
  }
  for (auto& close : closers) close(code);
}

}  // namespace grappe::server
