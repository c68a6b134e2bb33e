// The web client's files, read once at start into an immutable table. A request names a key of
// the table, never a path on disk: nothing outside the table can be served, and nothing is read
// from disk per request (the shape of Go's embed.FS + http.FileServer).
//
// Built in main() before the listener starts, then only read: safe to share between threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace grappe::server {

struct StaticFile {
  std::string body;
  std::string gzip;  // the gzip-compressed body; empty when compressing does not pay
  std::string content_type;
  std::string etag;  // strong: "\"<hex of SHA-256 of body, 32 digits>\""
};

class StaticFiles {
 public:
  // Bounds of the table, so that a wrong --web-root cannot eat the memory.
  static constexpr std::size_t kMaxFiles = 2000;
  static constexpr std::size_t kMaxBytes = 64u << 20;

  StaticFiles() = default;

  // Reads every regular file under `root` whose real path stays under the real path of `root`
  // (a symbolic link leading out, a special file, a hidden name are left out, and logged).
  // In index.html, a `<!-- modulepreload -->` comment becomes one <link rel="modulepreload"> per
  // JavaScript file of the table, in key order: the browser fetches every module at once instead
  // of one import level after another, and the list is never out of date.
  // Throws std::runtime_error when `root` cannot be read or the table would exceed its bounds.
  static StaticFiles load(const std::filesystem::path& root);

  // The file of `key` (a key from static_key()), or nullptr.
  const StaticFile* find(std::string_view key) const;
  std::size_t size() const { return files_.size(); }
  std::size_t bytes() const { return bytes_; }

  // For tests: adds `body` under `key` as load() would.
  void add(std::string key, std::string body);

 private:
  void link_module_preloads();

  std::unordered_map<std::string, StaticFile> files_;
  std::size_t bytes_ = 0;
};

// The table key that the path of a request target names ("/" → "index.html", "/lib/dom.js" →
// "lib/dom.js"): the path before '?' or '#', percent-decoded once, split on '/', empty and "."
// segments dropped. nullopt when it cannot name a file of the table: a bad percent escape, a
// decoded NUL or control byte, a backslash, a ".." segment, bytes that are not valid UTF-8
// (overlong forms included), a segment starting with '.', or over 512 bytes.
std::optional<std::string> static_key(std::string_view target);

// The content type served for a file name, by its extension.
std::string_view content_type_of(std::string_view name);

// True when an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

// True when an If-None-Match header value matches `etag` ("*" or one of its listed tags, weak
// comparison as RFC 9110 asks for If-None-Match).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace grappe::server
