// E-mail notifications' cost (issue 21): a notifier catching up 100,000 events after downtime
// while 64 connections load the server, against the same store without --smtp (alternated,
// medians), and the latency from a command's ack to the SMTP server's acceptance of its message.
// The SMTP server is Debian's aiosmtpd on loopback (python3-aiosmtpd).
#pragma once

#include <filesystem>
#include <string>

#include "load.h"

namespace grappe::bench {

struct NotifyResult {
  bool ok = false;
  std::string error;
  double on_per_s = 0, off_per_s = 0, overhead_pct = 0;
  // The server's CPU (user + system) per acked command, medians: what the notifier costs
  // whatever else the machine does.
  double on_us_per_cmd = 0, off_us_per_cmd = 0;
  long behind = 0;        // events the notifier had to catch up
  long caught_mails = 0;  // messages of the catch-up received during the loaded phase
  double p50_ms = 0, p95_ms = 0;
  int samples = 0;
};

NotifyResult notify_phase(const std::filesystem::path& binary, const std::filesystem::path& base,
                          const LoadSettings& settings, int rounds);

}  // namespace grappe::bench
