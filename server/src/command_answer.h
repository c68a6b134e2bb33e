// The answer to a command, typed from the decision to the wire: PROTOCOL.md's `ack` or
// `rejected`. It is kept in the log with the command's id (the first answer to an id is the
// answer to every repeat) and rendered for the wire in one place, to_json().
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "grappe/domain/rejection.h"

namespace grappe::server {

struct Acked {
  std::string id;
  std::string grappe;
  std::uint64_t version = 0;  // the grappe's version once the command's events are applied
};

struct Refused {
  std::string id;  // empty when the command's own id was not valid
  domain::Rejection rejection;
};

class CommandAnswer {
 public:
  CommandAnswer(Acked acked) : value_(std::move(acked)) {}
  CommandAnswer(Refused refused) : value_(std::move(refused)) {}

  bool acked() const { return std::holds_alternative<Acked>(value_); }
  const std::string& id() const;
  // "ack", or the rejection's wire code ("conflict", …): the outcome label of logs and metrics.
  std::string_view outcome() const;
  // 200, or the rejection code's status.
  int http_status() const;
  // Null for an ack.
  const domain::Rejection* rejection() const;
  // The wire object: {"type":"ack","id","grappe","version"} or
  // {"type":"rejected","id","code","message","details"?}.
  nlohmann::json to_json() const;

 private:
  std::variant<Acked, Refused> value_;
};

inline CommandAnswer refused(std::string id, domain::Rejection rejection) {
  return Refused{std::move(id), std::move(rejection)};
}

// The `rejected` answer of a command over its connection's rate (never recorded: sent again
// later, the command is decided).
CommandAnswer rate_limited(std::string id);

// How an answer is kept in the log beside its command id (es::AppendRequest::outcome), and read
// back: nullopt for bytes that are not an answer this server wrote.
std::string encode_recorded(const CommandAnswer& answer);
std::optional<CommandAnswer> decode_recorded(std::string_view text);

}  // namespace grappe::server
