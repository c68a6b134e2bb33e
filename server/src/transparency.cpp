#include "transparency.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "grappe/tlog/checkpoint.h"

namespace grappe::server {
namespace {

constexpr std::size_t kRecent = 256;  // checkpoints a witness may still cosign

std::string random_id() {
  unsigned char raw[8];
  RAND_bytes(raw, sizeof raw);
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (unsigned char c : raw) {
    id.push_back(digits[c >> 4]);
    id.push_back(digits[c & 15]);
  }
  return id;
}

}  // namespace

std::expected<tlog::SigningKey, std::string> load_log_key(const TransparencyOptions& o) {
  const auto path = o.key_file.value_or(o.data / "log-key");
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return tlog::SigningKey::load(path.string(), o.origin);
  if (o.key_file) return std::unexpected("--log-key " + path.string() + " does not exist");
  auto key = tlog::SigningKey::generate("grappe/" + random_id(), tlog::kNoteKey);
  if (!key) return key;
  if (auto saved = key->save(path.string()); !saved) return std::unexpected(saved.error());
  spdlog::info("created the log's signing key {} (keep a copy: receipts are checked with it)",
               path.string());
  if (o.origin.empty()) return key;
  return tlog::SigningKey::parse(key->private_text(), o.origin);
}

std::expected<std::vector<tlog::VerifierKey>, std::string> load_witness_keys(
    const std::vector<std::filesystem::path>& files) {
  std::vector<tlog::VerifierKey> keys;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) return std::unexpected("cannot read witness key file " + file.string());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto key = tlog::parse_verifier_key(line);
      if (!key) return std::unexpected(file.string() + ": " + key.error());
      if (key->type != tlog::kCosignKey) {
        return std::unexpected(file.string() + ": " + key->name +
                               " is not a cosignature key (type 0x04)");
      }
      keys.push_back(std::move(*key));
    }
  }
  return keys;
}

TransparencyLog::TransparencyLog(es::Store& store, tlog::SigningKey key,
                                 std::vector<tlog::VerifierKey> witnesses,
                                 std::chrono::milliseconds interval)
    : store_(store), key_(std::move(key)), witnesses_(std::move(witnesses)), interval_(interval) {}

TransparencyLog::~TransparencyLog() {
  stop();
}

void TransparencyLog::start() {
  {
    std::lock_guard sign(sign_mu_);
    auto latest = store_.get_checkpoint(std::nullopt);
    // Kept only if this key signed it and the log still holds it (a log that lost its end must
    // not go on from a checkpoint it cannot extend).
    if (latest && *latest && (*latest)->size <= store_.last_position() &&
        tlog::open_checkpoint((*latest)->note, key_.verifier())) {
      publish(**latest);
    }
    if (auto signed_now = sign_now(); !signed_now) {
      spdlog::error("cannot sign a checkpoint: {}", signed_now.error());
    }
  }
  auto latest = checkpoint();
  spdlog::info("verifiable log {}: checkpoint of size {}, verifier key {}", origin(),
               latest ? latest->size : 0, verifier_key());
  thread_ = std::thread([this] { run(); });
}

void TransparencyLog::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TransparencyLog::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    if (latest_ && store_.last_position() == latest_->size) continue;
    lock.unlock();
    {
      std::lock_guard sign(sign_mu_);
      if (auto c = sign_now(); !c) spdlog::warn("checkpoint not signed: {}", c.error());
    }
    lock.lock();
  }
}

void TransparencyLog::publish(const es::StoredCheckpoint& c) {
  std::lock_guard lock(mu_);
  if (!latest_ || latest_->size <= c.size) latest_ = c;
  for (auto& r : recent_) {
    if (r.size == c.size) {
      r = c;
      return;
    }
  }
  recent_.push_back(c);
  if (recent_.size() > kRecent) recent_.pop_front();
}

std::expected<es::StoredCheckpoint, std::string> TransparencyLog::sign_now() {
  const auto size = store_.last_position();
  {
    std::lock_guard lock(mu_);
    if (latest_ && latest_->size >= size) return *latest_;
  }
  auto root = store_.tree_root(size);
  if (!root) return std::unexpected(root.error().message);
  es::StoredCheckpoint c{size, *root,
                         tlog::sign_note(key_, tlog::checkpoint_text(origin(), size, *root))};
  if (auto put = store_.put_checkpoint(c); !put) return std::unexpected(put.error().message);
  publish(c);
  std::lock_guard lock(mu_);
  ++signed_;
  return c;
}

std::optional<es::StoredCheckpoint> TransparencyLog::checkpoint(std::optional<std::uint64_t> size) {
  {
    std::lock_guard lock(mu_);
    if (!size || (latest_ && latest_->size == *size)) return latest_;
  }
  auto stored = store_.get_checkpoint(size);
  if (!stored || !*stored) return std::nullopt;
  return **stored;
}

std::expected<es::StoredCheckpoint, std::string> TransparencyLog::covering(std::uint64_t position) {
  {
    std::lock_guard lock(mu_);
    if (latest_ && latest_->size >= position) return *latest_;
  }
  std::lock_guard sign(sign_mu_);
  return sign_now();
}

std::expected<void, std::string> TransparencyLog::add_cosignature(std::string_view line) {
  constexpr std::size_t kTried = 16;  // a witness cosigns one of the last checkpoints it fetched
  auto parsed = tlog::parse_note("x\n\n" + std::string(line) + (line.ends_with('\n') ? "" : "\n"));
  if (!parsed || parsed->signatures.size() != 1) return std::unexpected("not one signature line");
  const auto& sig = parsed->signatures[0];
  const tlog::VerifierKey* witness = nullptr;
  for (const auto& w : witnesses_) {
    if (w.name == sig.name && w.id == sig.id) witness = &w;
  }
  if (!witness) return std::unexpected("not a configured witness key: " + sig.name);
  std::vector<es::StoredCheckpoint> candidates;
  {
    std::lock_guard lock(mu_);
    for (auto it = recent_.rbegin(); it != recent_.rend() && candidates.size() < kTried; ++it) {
      candidates.push_back(*it);
    }
  }
  // Checked outside every lock: signing and GET /checkpoint go on meanwhile.
  std::optional<std::uint64_t> size;
  for (const auto& c : candidates) {
    auto note = tlog::parse_note(c.note);
    if (note && tlog::check_cosignature(sig.line, note->text, *witness)) {
      size = c.size;
      break;
    }
  }
  if (!size) {
    return std::unexpected("the cosignature matches none of the last checkpoints issued");
  }
  std::lock_guard sign(sign_mu_);
  auto current = checkpoint(*size);  // with the cosignatures added since
  auto note = current ? tlog::parse_note(current->note) : std::unexpected("gone");
  if (!note) return std::unexpected("the checkpoint is no longer kept");
  std::string updated = note->text + "\n";
  for (const auto& s : note->signatures) {
    if (s.name != sig.name || s.id != sig.id) updated += s.line;
  }
  updated += sig.line;
  es::StoredCheckpoint c{current->size, current->root, updated};
  if (auto put = store_.put_checkpoint(c); !put) return std::unexpected(put.error().message);
  publish(c);
  spdlog::info("checkpoint {} cosigned by {}", c.size, sig.name);
  return {};
}

std::uint64_t TransparencyLog::signed_count() const {
  std::lock_guard lock(mu_);
  return signed_;
}

}  // namespace grappe::server
