// Loopback ports for components a test or a benchmark starts itself (an SMTP sink…).
#pragma once

namespace grappe::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
unsigned short free_loopback_port();
// Whether something accepts TCP connections on 127.0.0.1:`port` now.
bool loopback_accepts(unsigned short port);

}  // namespace grappe::test
