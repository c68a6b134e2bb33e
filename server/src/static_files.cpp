#include "static_files.h"

#include <openssl/sha.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "json_util.h"
#include "server_context.h"

namespace grappe::server {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxKeyBytes = 512;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a path once ('+' stays '+'); nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string sha256_etag(std::string_view body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data());
  return "\"" + to_hex(digest.data(), 16) + "\"";
}

// gzip (RFC 1952) of `body` at the best level; empty when it would not save a tenth.
std::string gzip_of(std::string_view body) {
  if (body.size() < 256) return {};
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, body.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END || out.size() > body.size() - body.size() / 10) return {};
  return out;
}

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

// The key of `file` (found under `root`), or nullopt when it must not be served: its real path
// (links followed) leaves `root`, or its name is one no request could ask for.
std::optional<std::string> key_of(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  auto real = fs::canonical(file, ec);
  if (ec) return std::nullopt;
  auto inside = real.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") return std::nullopt;
  auto key = file.lexically_relative(root).generic_string();
  if (static_key("/" + key) != key) return std::nullopt;
  return key;
}

}  // namespace

std::optional<std::string> static_key(std::string_view target) {
  auto path = target.substr(0, target.find_first_of("?#"));
  if (path.size() > 3 * kMaxKeyBytes) return std::nullopt;
  auto decoded = percent_decode_path(path);
  if (!decoded || decoded->size() > kMaxKeyBytes || !valid_utf8(*decoded)) return std::nullopt;
  std::string key;
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment.front() == '.') return std::nullopt;  // "..", hidden files
    for (char c : segment) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '\\' || c == ':') return std::nullopt;
    }
    if (!key.empty()) key += '/';
    key += segment;
  }
  if (key.empty() || decoded->ends_with('/')) key += key.empty() ? "index.html" : "/index.html";
  return key;
}

std::string_view content_type_of(std::string_view name) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {{".html", "text/html; charset=utf-8"},
                                    {".js", "text/javascript; charset=utf-8"},
                                    {".mjs", "text/javascript; charset=utf-8"},
                                    {".css", "text/css; charset=utf-8"},
                                    {".json", "application/json"},
                                    {".svg", "image/svg+xml"},
                                    {".png", "image/png"},
                                    {".ico", "image/x-icon"},
                                    {".txt", "text/plain; charset=utf-8"},
                                    {".woff2", "font/woff2"},
                                    {".webmanifest", "application/manifest+json"}};
  for (const auto& t : kTypes) {
    if (name.ends_with(t.ext)) return t.type;
  }
  return "application/octet-stream";
}

StaticFiles StaticFiles::load(const fs::path& root) {
  std::error_code ec;
  auto real_root = fs::canonical(root, ec);
  if (ec || !fs::is_directory(real_root)) {
    throw std::runtime_error("web root " + root.string() + " is not a readable folder");
  }
  StaticFiles table;
  fs::recursive_directory_iterator it(real_root, fs::directory_options::none, ec), end;
  if (ec) throw std::runtime_error("cannot list web root " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot list web root " + root.string() + ": " + ec.message());
    const auto& entry = *it;
    if (entry.is_directory()) continue;
    auto key = key_of(real_root, entry.path());
    if (!key || !fs::is_regular_file(entry.path())) {
      spdlog::warn("web root: {} left out (outside the web root, special or hidden)",
                   entry.path().string());
      continue;
    }
    if (table.files_.size() >= kMaxFiles) {
      throw std::runtime_error("web root " + root.string() + " holds over " +
                               std::to_string(kMaxFiles) + " files");
    }
    table.add(std::move(*key), read_whole(entry.path()));
    if (table.bytes_ > kMaxBytes) {
      throw std::runtime_error("web root " + root.string() + " holds over 64 MiB");
    }
  }
  table.link_module_preloads();
  return table;
}

void StaticFiles::link_module_preloads() {
  constexpr std::string_view kMarker = "<!-- modulepreload -->";
  auto index = files_.find("index.html");
  if (index == files_.end()) return;
  std::string body = index->second.body;
  auto at = body.find(kMarker);
  if (at == std::string::npos) return;
  std::vector<std::string_view> modules;
  for (const auto& [key, file] : files_) {
    // A name that would need escaping in an attribute is left out (no such module is ours).
    if (key.ends_with(".js") && key.find_first_of("\"<>&' ") == std::string::npos) {
      modules.push_back(key);
    }
  }
  std::sort(modules.begin(), modules.end());
  const auto line_start = body.rfind('\n', at);
  const std::string indent = body.substr(line_start + 1, at - line_start - 1);  // npos + 1 == 0
  std::string links;
  for (auto m : modules) {
    if (!links.empty()) links += "\n" + indent;
    links += "<link rel=\"modulepreload\" href=\"./" + std::string(m) + "\">";
  }
  body.replace(at, kMarker.size(), links);
  bytes_ -= index->second.body.size() + index->second.gzip.size();
  add("index.html", std::move(body));
}

void StaticFiles::add(std::string key, std::string body) {
  StaticFile file;
  file.content_type = std::string(content_type_of(key));
  file.etag = sha256_etag(body);
  file.gzip = gzip_of(body);
  file.body = std::move(body);
  bytes_ += file.body.size() + file.gzip.size();
  files_.insert_or_assign(std::move(key), std::move(file));
}

const StaticFile* StaticFiles::find(std::string_view key) const {
  auto it = files_.find(std::string(key));
  return it == files_.end() ? nullptr : &it->second;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(item) for each comma-separated item of a header value, trimmed.
template <class Fn>
bool any_item(std::string_view value, Fn fn) {
  while (!value.empty()) {
    auto comma = value.find(',');
    if (fn(trim(value.substr(0, comma)))) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// The q of a coding's parameters ("; q=0.5"), 1 when absent.
bool q_is_zero(std::string_view params) {
  auto q = params.find("q=");
  if (q == std::string_view::npos) q = params.find("Q=");
  if (q == std::string_view::npos) return false;
  auto value = trim(params.substr(q + 2));
  value = value.substr(0, value.find(';'));
  return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  return any_item(accept_encoding, [](std::string_view item) {
    auto semi = item.find(';');
    auto coding = trim(item.substr(0, semi));
    if (!iequals(coding, "gzip") && coding != "*") return false;
    return semi == std::string_view::npos || !q_is_zero(item.substr(semi + 1));
  });
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  return any_item(if_none_match, [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag == etag;
  });
}

}  // namespace grappe::server
