// grappe/eventstore/record.h — one event as stored in the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace grappe::es {

struct Actor {
  std::string id;
  std::string name;
};

struct Record {
  std::uint64_t position = 0;  // 1-based place in the global log
  std::string stream;
  std::uint64_t version = 0;  // 1-based place in its stream
  std::string id;             // event id (UUID)
  std::string type;
  std::string data;  // JSON text
  Actor actor;
  std::string command_id;
  std::chrono::sys_time<std::chrono::milliseconds> timestamp{};
  // hex SHA-256(previous record's hash bytes ‖ canonical bytes of this record); the first
  // record's previous hash is 32 zero bytes.
  std::string hash;
};

// Parses RFC 3339 ("2026-11-23T10:15:02.123Z"; also without milliseconds, and with a numeric
// offset); false if bad. Records hold the time, not text: formatting is the protocol's
// (grappe::domain::format_timestamp), which the store does not depend on.
bool parse_timestamp(std::string_view text, std::chrono::sys_time<std::chrono::milliseconds>& out);

}  // namespace grappe::es
