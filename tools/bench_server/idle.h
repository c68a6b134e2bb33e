// Resident memory of the server holding many idle subscribed WebSocket connections.
#pragma once

#include <string>

#include "support/server_process.h"

namespace grappe::bench {

struct IdleResult {
  bool ok = false;
  std::string error;
  int connected = 0;       // connections signed in and subscribed
  double rss_mb = 0;       // server VmRSS once they are all idle
  double settle_s = 0;     // from the first connect until the last message they received
  double received_mb = 0;  // what the connections received, upgrades included (MiB)
};

// Opens `connections` connections, each hello + subscribe to one of `grappes` grappes (created
// first), round-robin, on `threads` threads; reads every message they get (presence lists) until
// none came for 1 s, then reads the server's VmRSS. Bounded: 60 s to connect and subscribe, 20 s
// to go quiet.
// `people`: each connection signs in as another person (person_token), else all as kToken.
IdleResult idle_rss(test::ServerProcess& server, int connections, int grappes, int threads,
                    bool people = false);

}  // namespace grappe::bench
