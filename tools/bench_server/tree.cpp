#include "tree.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "server.h"

namespace grappe::bench {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// GETs over one kept-alive loopback connection; the body, or throws.
class Client {
 public:
  explicit Client(unsigned short port) : stream_(io_) {
    stream_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  std::pair<int, std::string> get(const std::string& target) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, std::string("Bearer ") + kToken);
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return {res.result_int(), std::move(res.body())};
  }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
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
    for (bool tree : {false, true}) {
      auto dir = base / ((tree ? "tree-on-" : "tree-off-") + std::to_string(r));
      fs::create_directories(dir);
      auto server = start_server(binary, dir, {"--merkle-tree", tree ? "on" : "off"});
      auto c64 = closed_loop(server.port(), 64, load);
      if (!c64.ok) {
        out.error = "c64 " + std::string(tree ? "with" : "without") + " the tree: " + c64.error;
        return out;
      }
      (tree ? on : off).push_back(c64.per_s);
      if (tree) ratio.push_back(on.back() / off.back());
      std::printf("  round %d: 64 connections %s the tree: %.0f acked/s\n", r + 1,
                  tree ? "with" : "without", c64.per_s);
      std::fflush(stdout);
      if (tree && r + 1 == rounds) {
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
