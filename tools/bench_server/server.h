// The grappe-server under test: started (through tests/support's ServerProcess) with the one user
// the benchmark signs in as, and its resource use read from /proc.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace grappe::bench {

// Token of the one user the benchmark signs in as: a gestionnaire of OG 330001009 (13 ET in the
// demo registry), so that it may create grappes and comment on them.
inline constexpr const char* kToken = "bench-server-token";
inline constexpr const char* kPorteurOg = "330001009";
// Other people of that OG, for the presence of many people on one grappe: "bench-person-I".
inline constexpr int kPeople = 1000;
std::string person_token(int i);

// Writes the users file into `dir`, starts `binary` on 127.0.0.1:0 with `dir/data`, --no-demo and
// --log-level warn (its standard error goes to `dir/server.log`), and returns once it listens.
// Throws std::runtime_error (with the end of its log) when it does not start within 60 s.
test::ServerProcess start_server(const std::filesystem::path& binary,
                                 const std::filesystem::path& dir,
                                 const std::vector<std::string>& extra = {});

// VmRSS of process `pid` from /proc/PID/status, in MiB; nullopt if unreadable.
std::optional<double> rss_mb(pid_t pid);
// CPU time process `pid` used so far (user + system, all threads), from /proc.
std::optional<double> cpu_seconds(pid_t pid);

}  // namespace grappe::bench
