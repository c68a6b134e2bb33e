// grappe-witness: watches a Grappe log's checkpoints and cosigns each one it has checked to
// extend the last one it saw (C2SP tlog-cosignature/v1). It keeps that checkpoint in
// --state DIR; given a checkpoint that does not extend it (same size and another root, a smaller
// size, or a consistency proof that fails), it refuses, says so loudly, keeps the evidence in
// DIR/refused-<time>, and never cosigns for that log again until an operator looks.
//
//   grappe-witness --log URL --key VERIFIERKEY --witness-key FILE --state DIR [--once]
//   grappe-witness --new-key NAME --witness-key FILE      (creates a key, prints its verifier key)
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/note.h"
#include "grappe/tlog/proof.h"
#include "http_get.h"

namespace fs = std::filesystem;
using namespace grappe;

namespace {

enum Exit { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3 };

struct Options {
  std::string log, key, witness_key, state, new_key;
  bool once = false;
  double interval = 10;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `p` atomically (temp file, fsync, rename).
bool write_file(const fs::path& p, const std::string& text) {
  const auto tmp = p.string() + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
            ::fsync(fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), p.c_str()) != 0) return false;
  int dir = ::open(p.parent_path().c_str(), O_RDONLY | O_DIRECTORY);  // the rename, durable
  if (dir < 0) return false;
  ok = ::fsync(dir) == 0;
  ::close(dir);
  return ok;
}

long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Witness {
 public:
  Witness(Options o, tlog::VerifierKey log, tlog::SigningKey key)
      : o_(std::move(o)), log_(std::move(log)), key_(std::move(key)) {}

  // One round: fetch, check, cosign. kOk when cosigned or nothing new.
  int round() {
    if (fs::exists(refused_mark())) {
      return refuse("an earlier checkpoint was refused (" + read_file(refused_mark()) +
                    "); remove " + refused_mark().string() + " once resolved");
    }
    auto answer = witness::http_request(o_.log, "GET", "/checkpoint");
    if (!answer || answer->status != 200) {
      std::fprintf(
          stderr, "grappe-witness: cannot fetch the checkpoint: %s\n",
          answer ? ("HTTP " + std::to_string(answer->status)).c_str() : answer.error().c_str());
      return kUnreachable;
    }
    auto fresh = tlog::open_checkpoint(answer->body, log_);
    if (!fresh)
      return refuse("checkpoint not signed by the log's key: " + fresh.error(), answer->body);
    const auto last_path = fs::path(o_.state) / "checkpoint";
    if (fs::exists(last_path)) {
      auto last = tlog::open_checkpoint(read_file(last_path), log_);
      if (!last) return refuse("the saved checkpoint does not open: " + last.error());
      if (fresh->size < last->size) {
        return refuse("the log shrank: size " + std::to_string(fresh->size) + " after " +
                          std::to_string(last->size),
                      answer->body);
      }
      if (fresh->size == last->size && fresh->root != last->root) {
        return refuse("fork: two roots for size " + std::to_string(fresh->size), answer->body);
      }
      if (fresh->size > last->size) {
        auto proven = consistent(*last, *fresh);
        if (!proven) return kUnreachable;  // said why; tried again next round
        if (!proven->empty()) return refuse(*proven, answer->body);
      }
    }
    // Saved before the cosignature leaves: a witness that crashes after cosigning never goes back
    // to an older view (C2SP: persist, then cosign).
    if (!write_file(last_path, answer->body)) {
      std::fprintf(stderr, "grappe-witness: cannot save %s\n", last_path.c_str());
      return kUsage;
    }
    auto line = tlog::cosignature_line(key_, fresh->text, static_cast<std::uint64_t>(now()));
    auto posted = witness::http_request(o_.log, "POST", "/api/log/cosignature", line);
    if (!posted || posted->status != 204) {
      std::fprintf(stderr, "grappe-witness: the log did not take the cosignature: %s\n",
                   posted ? posted->body.c_str() : posted.error().c_str());
      return kUnreachable;
    }
    std::printf("cosigned %s size %llu\n", fresh->origin.c_str(),
                static_cast<unsigned long long>(fresh->size));
    std::fflush(stdout);
    return kOk;
  }

 private:
  fs::path refused_mark() const { return fs::path(o_.state) / "REFUSED"; }

  // Empty when `to` is proven to extend `from`; else why not. nullopt when the proof could not be
  // fetched (the log unreachable or busy): not evidence of anything, tried again next round.
  std::optional<std::string> consistent(const tlog::Checkpoint& from, const tlog::Checkpoint& to) {
    if (from.size == 0) {  // every tree extends the empty one
      return from.root == tlog::sha256("") ? std::string() : "the empty tree's root is wrong";
    }
    auto answer =
        witness::http_request(o_.log, "GET",
                              "/api/log/proof/consistency?from=" + std::to_string(from.size) +
                                  "&to=" + std::to_string(to.size));
    if (!answer || answer->status >= 500 || answer->status == 429) {
      std::fprintf(
          stderr, "grappe-witness: no consistency proof now: %s\n",
          answer ? ("HTTP " + std::to_string(answer->status)).c_str() : answer.error().c_str());
      return std::nullopt;
    }
    if (answer->status != 200) {
      return "the log refuses a consistency proof from " + std::to_string(from.size) + " to " +
             std::to_string(to.size) + " (HTTP " + std::to_string(answer->status) + ")";
    }
    auto body = nlohmann::json::parse(answer->body, nullptr, false);
    std::vector<std::string> proof;
    if (!body.is_object() || !body.contains("proof") || !body["proof"].is_array()) {
      return "malformed consistency proof";
    }
    for (const auto& h : body["proof"]) {
      auto raw = h.is_string() ? tlog::unbase64(h.get<std::string>()) : std::unexpected("");
      if (!raw) return "malformed consistency proof";
      proof.push_back(*raw);
    }
    if (!tlog::verify_consistency(from.size, to.size, proof, from.root, to.root)) {
      return "the checkpoint of size " + std::to_string(to.size) +
             " does not extend the one of size " + std::to_string(from.size) +
             " (consistency proof refused)";
    }
    return std::string();
  }

  int refuse(const std::string& why, const std::string& evidence = {}) {
    std::fprintf(stderr, "\n!!! grappe-witness REFUSES to cosign %s: %s\n\n", log_.name.c_str(),
                 why.c_str());
    if (!fs::exists(refused_mark())) {
      write_file(fs::path(o_.state) / ("refused-" + std::to_string(now())), evidence);
      write_file(refused_mark(), why);
    }
    return kRefused;
  }

  Options o_;
  tlog::VerifierKey log_;
  tlog::SigningKey key_;
};

int new_key(const Options& o) {
  auto key = tlog::SigningKey::generate(o.new_key, tlog::kCosignKey);
  if (!key) {
    std::fprintf(stderr, "grappe-witness: %s\n", key.error().c_str());
    return kUsage;
  }
  if (auto saved = key->save(o.witness_key); !saved) {
    std::fprintf(stderr, "grappe-witness: %s\n", saved.error().c_str());
    return kUsage;
  }
  std::printf("%s\n", key->verifier().text().c_str());
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "Grappe witness: checks that each checkpoint of a Grappe log extends the last one "
      "it saw, then cosigns it (C2SP tlog-cosignature/v1)",
      "grappe-witness"};
  app.add_option("--log", o.log, "the log's base URL, http(s)://host[:port]");
  app.add_option("--key", o.key, "the log's verifier key (GET /api/log/key)");
  app.add_option("--witness-key", o.witness_key, "this witness's private key file (mode 0600)")
      ->required();
  app.add_option("--state", o.state, "folder where the last cosigned checkpoint is kept");
  app.add_flag("--once", o.once, "one round, then exit (0 cosigned, 1 refused, 3 unreachable)");
  app.add_option("--interval", o.interval, "seconds between rounds")->capture_default_str();
  app.add_option("--new-key", o.new_key,
                 "create --witness-key for the witness NAME and print its verifier key");
  CLI11_PARSE(app, argc, argv);
  if (!o.new_key.empty()) return new_key(o);
  if (o.log.empty() || o.key.empty() || o.state.empty()) {
    std::fprintf(stderr, "grappe-witness: --log, --key and --state are required (see --help)\n");
    return kUsage;
  }
  auto log = tlog::parse_verifier_key(o.key);
  auto key = tlog::SigningKey::load(o.witness_key);
  if (!log || !key) {
    std::fprintf(stderr, "grappe-witness: %s\n", (log ? key.error() : log.error()).c_str());
    return kUsage;
  }
  std::error_code ec;
  fs::create_directories(o.state, ec);
  Witness w(o, *log, *key);
  for (;;) {
    int status = w.round();
    if (o.once || status == kRefused) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(o.interval * 1000)));
  }
}
