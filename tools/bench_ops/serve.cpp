#include "serve.h"

#include <curl/curl.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "process.h"

namespace grappe::bench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "bench-ops-auditor-token";
constexpr int kPageRequests = 200;  // pages of 100 read, the walk starting again at the end
constexpr int kFilterRequests = 100;
constexpr int kWholeRequests = 3;

std::optional<double> rss_mb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return std::nullopt;
}

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET `target` as the auditor: the answer's JSON and the milliseconds it took; throws unless 200.
std::pair<nlohmann::json, double> get(unsigned short port, const std::string& target) {
  CURL* curl = curl_easy_init();
  std::string body;
  auto url = "http://127.0.0.1:" + std::to_string(port) + target;
  curl_slist* headers =
      curl_slist_append(nullptr, (std::string("Authorization: Bearer ") + kToken).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  auto start = Clock::now();
  auto rc = curl_easy_perform(curl);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK || status != 200)
    throw std::runtime_error("GET " + target + " answered " + std::to_string(status));
  return {nlohmann::json::parse(body), ms};
}

double percentile(std::vector<double> v, int p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * static_cast<std::size_t>(p) / 100)];
}

// Reads `requests` pages of `query` (walking the cursors, from the first page again after the
// last): their times in ms.
std::vector<double> walk(unsigned short port, const std::string& query, int requests) {
  std::vector<double> ms;
  std::string cursor;
  for (int i = 0; i < requests; ++i) {
    auto [page, took] =
        get(port, "/api/grappes?limit=100" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
    ms.push_back(took);
    cursor = page["nextCursor"].is_string() ? page["nextCursor"].get<std::string>() : "";
  }
  return ms;
}

}  // namespace

ServeResult serve_phase(const std::string& server, const fs::path& data, const fs::path& err) {
  ServeResult r;
  auto users = data.parent_path() / "bench-ops-users.json";
  std::ofstream(users) << nlohmann::json{
      {"users",
       {{{"id", "bench-auditor"},
         {"name", "Auditeur bench-ops"},
         {"role", "auditor"},
         {"token", kToken}}}}}.dump();
  ServerProcess process({server, "--data", data.string(), "--listen", "127.0.0.1:0", "--no-demo",
                         "--users", users.string()},
                        err.string());
  if (!process.wait_listening(std::chrono::seconds(600)) || process.port() == 0) {
    r.note = "the server did not start";
    return r;
  }
  r.rss_mb = rss_mb(process.pid());
  try {
    auto pages = walk(process.port(), "", kPageRequests);
    r.page_p50_ms = percentile(pages, 50);
    r.page_p95_ms = percentile(pages, 95);
    auto filtered = walk(process.port(), "&status=submitted", kFilterRequests);
    r.filter_p50_ms = percentile(filtered, 50);
    r.filter_p95_ms = percentile(filtered, 95);
    std::vector<double> whole;
    for (int i = 0; i < kWholeRequests; ++i) {
      auto [list, ms] = get(process.port(), "/api/grappes");
      whole.push_back(ms);
      r.grappes = list["grappes"].size();
    }
    r.whole_ms = percentile(whole, 50);
  } catch (const std::exception& e) {
    r.note = e.what();
  }
  r.rss_after_mb = rss_mb(process.pid());
  process.stop(std::chrono::seconds(120));
  return r;
}

}  // namespace grappe::bench
