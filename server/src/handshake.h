// The RFC 6455 checks PROTOCOL.md v2 asks for beyond Beast's own: the opening handshake's key,
// version and Origin, and which close codes a peer may send. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::server {

// True when `key` is the base64 (with its padding) of exactly 16 bytes, as RFC 6455 §4.1 asks
// of Sec-WebSocket-Key.
bool valid_websocket_key(std::string_view key);

// True when a WebSocket handshake's `origin` may open a connection: the server's own origin
// (http or https, with the request's `host`) or one of `allowed` (scheme://host[:port]).
// Compared without case; "null" and anything else is refused.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

// True for the close codes a peer may send (RFC 6455 §7.4): 1000–1003, 1007–1011, 3000–4999.
bool valid_close_code(std::uint16_t code);

}  // namespace grappe::server
