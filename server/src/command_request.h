// A command as a client sends it (PROTOCOL.md "command"), read and checked before it is decided.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "command_answer.h"

namespace grappe::server {

struct CommandRequest {
  std::string id;      // validated client id (idempotency key)
  std::string grappe;  // validated client id
  std::string name;
  nlohmann::json payload;
  std::optional<std::uint64_t> expected_version;
};

// Reads a command from a client message/body
// ({"id","grappe"?,"name","payload","expectedVersion"?}). On failure returns the `rejected` answer
// (bad_request), with `id` only when it was valid.
std::expected<CommandRequest, CommandAnswer> parse_command_request(const nlohmann::json& msg);

}  // namespace grappe::server
