// Set-up of the load phases, which is not measured: grappes created through tests/support's
// WebSocket client, and the messages the raw load client sends to sign in.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server.h"

namespace grappe::bench {

// Creates the grappes `ids` (CreateGrappe by the benchmark's porteur, one after the other on one
// connection). Throws std::runtime_error when one is not acknowledged before `deadline`.
void create_grappes(unsigned short port, const std::vector<std::string>& ids,
                    std::chrono::steady_clock::time_point deadline);

// The `hello` message with the benchmark's token.
nlohmann::json hello_message(const std::string& token = kToken);

}  // namespace grappe::bench
