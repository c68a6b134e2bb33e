// The log's signed checkpoints (PROTOCOL.md v2, "Verifiable history"): the Ed25519 key and the
// origin, a checkpoint signed every --checkpoint-interval when the log grew (on its own thread:
// signing reads the tree and syncs the checkpoint to disk, which network threads never wait
// for), and witnesses' cosignatures added to the checkpoints they cosign.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <expected>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grappe/eventstore/store.h"
#include "grappe/tlog/note.h"

namespace grappe::server {

struct TransparencyOptions {
  std::filesystem::path data;  // the key is <data>/log-key unless key_file is set
  std::optional<std::filesystem::path> key_file;
  std::string origin;  // empty: the key file's name
  std::chrono::milliseconds interval{1000};
  std::vector<std::filesystem::path> witness_key_files;  // one verifier key (0x04) per line
};

// The key: read from --log-key or <data>/log-key, created there (mode 0600) with the name
// grappe/<random id> when missing. The error is for the operator.
std::expected<tlog::SigningKey, std::string> load_log_key(const TransparencyOptions& options);
std::expected<std::vector<tlog::VerifierKey>, std::string> load_witness_keys(
    const std::vector<std::filesystem::path>& files);

class TransparencyLog {
 public:
  TransparencyLog(es::Store& store, tlog::SigningKey key, std::vector<tlog::VerifierKey> witnesses,
                  std::chrono::milliseconds interval);
  ~TransparencyLog();  // stop()

  // Signs the log's current size (if no checkpoint has it), then one every interval.
  void start();
  void stop();

  const std::string& origin() const { return key_.name(); }
  std::string verifier_key() const { return key_.verifier().text(); }

  // The latest checkpoint, or that of `size`; nullopt when none was issued.
  std::optional<es::StoredCheckpoint> checkpoint(std::optional<std::uint64_t> size = {});
  // The latest checkpoint, signing one now when it does not cover `position` yet.
  std::expected<es::StoredCheckpoint, std::string> covering(std::uint64_t position);
  // Adds a witness's cosignature line to the recent checkpoint it cosigns. The error says why
  // it was refused (unknown witness, no such checkpoint, bad signature).
  std::expected<void, std::string> add_cosignature(std::string_view line);

  std::uint64_t signed_count() const;

 private:
  void run();
  // Signs the current size if no checkpoint covers it yet; under sign_mu_.
  std::expected<es::StoredCheckpoint, std::string> sign_now();
  // Records `c` as issued (the latest if it is the largest); takes mu_.
  void publish(const es::StoredCheckpoint& c);

  es::Store& store_;
  const tlog::SigningKey key_;
  const std::vector<tlog::VerifierKey> witnesses_;
  const std::chrono::milliseconds interval_;

  // sign_mu_ serialises what writes checkpoints (signing, cosignatures): store reads and a synced
  // write under it. mu_ guards the fields below, only ever briefly: GET /checkpoint never waits
  // for a disk.
  std::mutex sign_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::optional<es::StoredCheckpoint> latest_;
  std::deque<es::StoredCheckpoint> recent_;  // the last ones issued, for cosignatures
  std::uint64_t signed_ = 0;
  std::thread thread_;
};

}  // namespace grappe::server
