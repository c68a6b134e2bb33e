#include "server.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace grappe::bench {

namespace fs = std::filesystem;

namespace {

fs::path write_users_file(const fs::path& dir) {
  nlohmann::json users = {{"users",
                           {{{"id", "bench-porteur"},
                             {"name", "Bench porteur"},
                             {"role", "gestionnaire"},
                             {"og", {kPorteurOg}},
                             {"token", kToken}}}}};
  for (int i = 0; i < kPeople; ++i)
    users["users"].push_back({{"id", "bench-person-" + std::to_string(i)},
                              {"name", "Personne " + std::to_string(i)},
                              {"role", "gestionnaire"},
                              {"og", {kPorteurOg}},
                              {"token", person_token(i)}});
  auto path = dir / "users.json";
  std::ofstream(path) << users.dump(2);
  return path;
}

}  // namespace

std::string person_token(int i) {
  return "bench-person-token-" + std::to_string(i);
}

test::ServerProcess start_server(const fs::path& binary, const fs::path& dir,
                                 const std::vector<std::string>& extra) {
  auto users = write_users_file(dir);
  std::vector<std::string> args = {"--data",       (dir / "data").string(), "--no-demo", "--users",
                                   users.string(), "--log-level",           "warn"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::ServerProcess(binary, args, dir / "server.log");
}

std::optional<double> rss_mb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      if (status >> kb) return kb / 1024.0;
      return std::nullopt;
    }
    status.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

std::optional<double> cpu_seconds(pid_t pid) {
  // /proc/<pid>/stat: fields 14 and 15 are utime and stime, in clock ticks; the command name
  // (field 2) is in parentheses and may hold spaces, so count from the last ')'.
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace grappe::bench
