#include "tree.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "server.h"

namespace grappe::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// GETs over one kept-alive loopback connection (libcurl reuses it); status and body, or throws.
class Client {
 public:
  explicit Client(unsigned short port)
      : base_("http://127.0.0.1:" + std::to_string(port)), curl_(curl_easy_init()) {
    if (!curl_) throw std::runtime_error("libcurl could not start");
    headers_ = curl_slist_append(nullptr, (std::string("Authorization: Bearer ") + kToken).c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Client::collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
  }
  ~Client() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  std::pair<int, std::string> get(const std::string& target) {
    body_.clear();
    const auto url = base_ + target;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    if (auto rc = curl_easy_perform(curl_); rc != CURLE_OK) {
      throw std::runtime_error("GET " + target + ": " + curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return {static_cast<int>(status), body_};
  }

 private:
  static std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  std::string base_;
  CURL* curl_;
  curl_slist* headers_ = nullptr;
  std::string body_;
};

}  // namespace

TreeResult tree_phase(const fs::path& binary, const fs::path& base, const LoadSettings& settings,
                      int rounds) {
  TreeResult out;
  std::vector<double> on, off, ratio;
  LoadSettings load = settings;  // the whole phase time, not a command count, bounds each run
  load.max_commands =
      std::max<long>(settings.max_commands, static_cast<long>(settings.seconds * 100000));
  for (int r = 0; r < rounds; ++r) {
    // Which runs first alternates: a fixed order would favour one side of each pair.
    for (bool tree : {r % 2 == 1, r % 2 == 0}) {
      auto dir = base / ((tree ? "tree-on-" : "tree-off-") + std::to_string(r));
      fs::create_directories(dir);
      auto server = start_server(binary, dir, {"--merkle-tree", tree ? "on" : "off"});
      auto c64 = closed_loop(server.port(), 64, load);
      if (!c64.ok) {
        out.error = "c64 " + std::string(tree ? "with" : "without") + " the tree: " + c64.error;
        return out;
      }
      (tree ? on : off).push_back(c64.per_s);
      if (on.size() == off.size()) ratio.push_back(on.back() / off.back());
      std::printf("  round %d: 64 connections %s the tree: %.0f acked/s\n", r + 1,
                  tree ? "with" : "without", c64.per_s);
      std::fflush(stdout);
      if (tree && r + 1 == rounds) {  // proofs on the last server with the tree
        Client client(server.port());
        auto health = nlohmann::json::parse(client.get("/healthz").second);
        out.log_size = health.value("position", std::uint64_t{0});
        std::mt19937_64 rng(7);
        std::vector<double> us;
        // The benchmark user's events: every position past its users-stream records.
        for (int i = 0; i < 2000 && out.log_size > 100; ++i) {
          const auto p = out.log_size / 2 + rng() % (out.log_size / 2);
          auto t0 = Clock::now();
          auto [status, body] =
              client.get("/api/log/proof/inclusion?position=" + std::to_string(p) +
                         "&size=" + std::to_string(out.log_size));
          us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
          if (status != 200) {
            out.error = "inclusion proof: HTTP " + std::to_string(status) + " " + body;
            return out;
          }
        }
        std::sort(us.begin(), us.end());
        out.proofs = static_cast<long>(us.size());
        if (!us.empty()) {
          out.proof_p50_us = us[us.size() / 2];
          out.proof_p99_us = us[us.size() * 99 / 100];
        }
      }
      server.terminate(std::chrono::seconds(10));
      fs::remove_all(dir);
    }
  }
  out.on_per_s = median(on);
  out.off_per_s = median(off);
  // Each round's pair ran back to back: the median of their ratios cancels the machine's drift.
  out.overhead_pct = 100.0 * (1.0 - median(ratio));
  out.ok = out.proofs > 0;
  if (!out.ok) out.error = "no proof measured";
  return out;
}

}  // namespace grappe::bench
