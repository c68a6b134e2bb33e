// Command load on a running server: closed-loop acked commands, and fan-out to subscribers.
#pragma once

#include <string>

namespace grappe::bench {

struct LoadSettings {
  double seconds = 5;         // measuring time of a phase
  long max_commands = 20000;  // commands of a phase, all connections together
  int threads = 2;            // io_context threads of this process
};

struct LoadResult {
  bool ok = false;    // finished within its deadline without error
  std::string error;  // why not
  long acked = 0;
  long rejected = 0;
  double seconds = 0;
  double per_s = 0;  // acked commands per second
  double p50_ms = 0;
  double p99_ms = 0;
};

// `connections` WebSocket connections, each on its own grappe (created first) and subscribed to
// it, each sending PostComment and the next one only when the previous answer arrived; for
// `settings.seconds` or `settings.max_commands`, whichever comes first. Latency: send → ack.
LoadResult closed_loop(unsigned short port, int connections, const LoadSettings& settings);

struct FanoutResult {
  bool ok = false;
  std::string error;
  long receipts = 0;  // event messages received, all subscribers together
  double p50_ms = 0;
  double p99_ms = 0;
};

// `subscribers` connections subscribed to one grappe; one more connection sends `commands`
// PostComment, the next only when every subscriber has received the previous one's event.
// Latency: send of the command → receipt of its `event` by each subscriber.
FanoutResult fanout(unsigned short port, int subscribers, int commands, int threads);

}  // namespace grappe::bench
