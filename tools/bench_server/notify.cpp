#include "notify.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server.h"
#include "support/ids.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/server_process.h"
#include "support/wait.h"

namespace grappe::bench {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kPartnerOg = "640002002";
constexpr const char* kPartnerEt = "640010179";
constexpr long kBehind = 100'000;
constexpr int kInvitesBehind = 100;
constexpr int kLatencySamples = 100;

// Each accepted message as one line "UNIX-TIME MESSAGE-ID" in FOLDER/log.txt.
constexpr const char* kSink = R"(import os, time
class Sink:
    def __init__(self, folder):
        self.folder = folder
    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])
    async def handle_DATA(self, server, session, envelope):
        t = time.time()
        mid = b"?"
        for line in (envelope.original_content or envelope.content).split(b"\r\n"):
            if line.startswith(b"Message-ID: "):
                mid = line[12:]
                break
        with open(os.path.join(self.folder, "log.txt"), "ab") as f:
            f.write(b"%f %s\n" % (t, mid))
        return "250 OK"
)";

struct Sink {
  fs::path dir;
  unsigned short port = test::free_loopback_port();
  pid_t pid = -1;
  explicit Sink(fs::path d) : dir(std::move(d)) {
    fs::create_directories(dir / "mail");
    std::ofstream(dir / "bench_sink.py") << kSink;
    pid = test::spawn(
        "/usr/bin/env",
        {"PYTHONPATH=" + dir.string(), "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
         "127.0.0.1:" + std::to_string(port), "-c", "bench_sink.Sink", (dir / "mail").string()},
        {});
    if (!test::wait_until([&] { return test::loopback_accepts(port); }, 20s, 50ms))
      throw std::runtime_error("aiosmtpd did not start (python3-aiosmtpd installed?)");
  }
  ~Sink() {
    if (pid > 0) test::kill_and_reap(pid);
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port); }
  std::vector<double> times() const {
    std::vector<double> out;
    std::ifstream in(dir / "mail" / "log.txt");
    std::string line;
    while (std::getline(in, line)) out.push_back(std::atof(line.c_str()));
    return out;
  }
};

fs::path users_file(const fs::path& dir) {
  nlohmann::json users = {{"users",
                           {{{"id", "bench-porteur"},
                             {"name", "Bench porteur"},
                             {"role", "gestionnaire"},
                             {"og", {kPorteurOg}},
                             {"email", "porteur@exemple.fr"},
                             {"token", kToken}},
                            {{"id", "bench-partner"},
                             {"name", "Bench partenaire"},
                             {"role", "gestionnaire"},
                             {"og", {kPartnerOg}},
                             {"email", "partenaire@exemple.fr"},
                             {"token", "bench-partner-token"}}}}};
  auto path = dir / "notify-users.json";
  std::ofstream(path) << users.dump(2);
  return path;
}

test::ServerProcess start(const fs::path& binary, const fs::path& data, const fs::path& users,
                          const std::string& smtp) {
  std::vector<std::string> args = {"--data",       data.string(), "--no-demo", "--users",
                                   users.string(), "--log-level", "warn"};
  if (!smtp.empty()) args.insert(args.end(), {"--smtp", smtp});
  return test::ServerProcess(binary, args,
                             data.parent_path() / (data.filename().string() + ".log"));
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) {
  return size * n;
}

// POST /api/grappes/{grappe}/commands as the porteur; throws unless acked.
void command(unsigned short port, const std::string& grappe, const nlohmann::json& body) {
  CURL* curl = curl_easy_init();
  auto url = "http://127.0.0.1:" + std::to_string(port) + "/api/grappes/" + grappe + "/commands";
  auto text = body.dump();
  curl_slist* headers =
      curl_slist_append(nullptr, (std::string("Authorization: Bearer ") + kToken).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  auto rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK || status != 200)
    throw std::runtime_error("command " + body.value("name", "?") + " answered " +
                             std::to_string(status));
}

std::string new_grappe(unsigned short port) {
  auto id = test::new_id();
  command(port, id,
          {{"id", test::new_id()},
           {"name", "CreateGrappe"},
           {"payload",
            {{"name", "Notifications"},
             {"call", "default"},
             {"region", "75"},
             {"porteur", kPorteurOg}}}});
  return id;
}

void invite_and_revoke(unsigned short port, const std::string& grappe) {
  command(port, grappe,
          {{"id", test::new_id()},
           {"name", "InviteEstablishment"},
           {"payload", {{"finess", kPartnerEt}}}});
  command(port, grappe,
          {{"id", test::new_id()},
           {"name", "RevokeInvitation"},
           {"payload", {{"finess", kPartnerEt}}}});
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

NotifyResult notify_phase(const fs::path& binary, const fs::path& base,
                          const LoadSettings& settings, int rounds) {
  NotifyResult result;
  try {
    auto dir = base / "notify";
    fs::create_directories(dir);
    Sink sink(dir / "sink");
    auto users = users_file(dir);
    auto prep = dir / "prep";
    {  // the notifier's checkpoint, then downtime: 100 invitations and 100,000 events without it
      auto server = start(binary, prep, users, sink.url());
      new_grappe(server.port());
      std::this_thread::sleep_for(1500ms);
      server.terminate();
    }
    {
      auto server = start(binary, prep, users, "");
      auto grappe = new_grappe(server.port());
      for (int i = 0; i < kInvitesBehind; ++i) invite_and_revoke(server.port(), grappe);
      LoadSettings fill = settings;
      fill.seconds = 600;
      fill.max_commands = kBehind - 2 * kInvitesBehind;
      auto filled = closed_loop(server.port(), 64, fill);
      if (!filled.ok) throw std::runtime_error("filling the log: " + filled.error);
      server.terminate();
      result.behind = filled.acked + 2 * kInvitesBehind;
    }
    std::vector<double> on, off, on_cpu, off_cpu;
    for (int round = 0; round < rounds; ++round) {
      for (bool with : {round % 2 == 0, round % 2 != 0}) {
        auto data = dir / ((with ? "on-" : "off-") + std::to_string(round));
        fs::copy(prep, data, fs::copy_options::recursive);
        auto before = sink.times().size();
        auto server = start(binary, data, users, with ? sink.url() : "");
        auto cpu_before = cpu_seconds(server.pid());
        auto r = closed_loop(server.port(), 64, settings);
        auto cpu_after = cpu_seconds(server.pid());
        if (!r.ok) throw std::runtime_error("64 connections: " + r.error);
        (with ? on : off).push_back(r.per_s);
        if (cpu_before && cpu_after && r.acked > 0)
          (with ? on_cpu : off_cpu).push_back((*cpu_after - *cpu_before) * 1e6 / r.acked);
        std::fprintf(stderr, "bench-server: notify round %d %s --smtp: %.0f/s, %.1f us/cmd\n",
                     round, with ? "with" : "without", r.per_s,
                     (with ? on_cpu : off_cpu).empty() ? 0.0 : (with ? on_cpu : off_cpu).back());
        if (with) result.caught_mails = static_cast<long>(sink.times().size() - before);
        server.terminate();
        fs::remove_all(data);
      }
    }
    result.on_per_s = median(on);
    result.off_per_s = median(off);
    result.overhead_pct = 100.0 * (result.off_per_s - result.on_per_s) / result.off_per_s;
    result.on_us_per_cmd = median(on_cpu);
    result.off_us_per_cmd = median(off_cpu);
    {  // latency: one invitation at a time, ack → the SMTP server's acceptance
      auto data = dir / "latency";
      auto server = start(binary, data, users, sink.url());
      auto grappe = new_grappe(server.port());
      std::vector<double> ms;
      for (int i = 0; i < kLatencySamples; ++i) {
        auto n = sink.times().size();
        command(server.port(), grappe,
                {{"id", test::new_id()},
                 {"name", "InviteEstablishment"},
                 {"payload", {{"finess", kPartnerEt}}}});
        double acked =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        if (!test::wait_until([&] { return sink.times().size() > n; }, 20s, 1ms))
          throw std::runtime_error("a notification did not arrive within 20 s");
        ms.push_back((sink.times()[n] - acked) * 1000);
        command(server.port(), grappe,
                {{"id", test::new_id()},
                 {"name", "RevokeInvitation"},
                 {"payload", {{"finess", kPartnerEt}}}});
      }
      server.terminate();
      std::sort(ms.begin(), ms.end());
      result.samples = static_cast<int>(ms.size());
      result.p50_ms = ms[ms.size() / 2];
      result.p95_ms = ms[ms.size() * 95 / 100];
    }
    fs::remove_all(dir);
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace grappe::bench
