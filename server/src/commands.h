// Runs commands: idempotency, decide against the latest state, durable append, answer.
// Thread-safe. Answers are PROTOCOL.md's `ack` / `rejected` objects.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/rejection.h"
#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "metrics.h"
#include "read_models.h"

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
std::expected<CommandRequest, nlohmann::json> parse_command_request(const nlohmann::json& msg);

nlohmann::json rejected_answer(const std::string& id, const domain::Rejection& rejection);
// The `rejected` answer of a command over its connection's rate (never recorded: sent again
// later, the command is decided).
nlohmann::json rate_limited_answer(const std::string& id);
// HTTP status of an answer (200 for ack).
int answer_status(const nlohmann::json& answer);

// A command's answer as it goes out: the `ack` or `rejected` object, serialised, and the HTTP
// status that goes with it.
struct Answer {
  std::string text;
  int status = 200;
  bool acked() const { return status == 200; }
};
Answer make_answer(const nlohmann::json& answer);

class CommandService {
 public:
  using Done = std::function<void(Answer answer)>;

  // Logs the store's health as it changes (writes suspended, resumed) and keeps the gauge of
  // /metrics; the destructor stops that.
  CommandService(es::Store& store, ReadModels& models, const domain::Registry& registry,
                 const domain::CallConfig& config, Metrics& metrics);
  ~CommandService();

  // Answers exactly once through `done`, from any thread: an `ack` only after the events are
  // durable and applied to the read models; a `rejected` otherwise (`unavailable` when the log
  // cannot be written: nothing was recorded). A command id seen before
  // (even across restarts) gets its first answer back and appends nothing. Commands on one
  // grappe are decided one after the other (each sees its predecessors' events); commands on
  // different grappes run concurrently and share the store's group commit.
  void execute(const domain::User& user, CommandRequest request, Done done);

 private:
  struct Attempt;
  void attempt(std::shared_ptr<Attempt> a);
  void on_appended(std::shared_ptr<Attempt> a, es::AppendOutcome outcome);
  // Answers with a text recorded in the store (ours, or the first answer to a repeated id).
  void finish_recorded(const std::shared_ptr<Attempt>& a, const std::string& recorded);
  // Records `answer` as the command's first answer (durably), then replies.
  void finish_rejected(std::shared_ptr<Attempt> a, const domain::Rejection& rejection);
  // Starts the next command waiting on `grappe`, if any.
  void next_in_lane(const std::string& grappe);

  es::Store& store_;
  ReadModels& models_;
  const domain::Registry& registry_;
  const domain::CallConfig& config_;
  Metrics& metrics_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::shared_ptr<Attempt>>> lanes_;
  boost::asio::thread_pool pool_{1};  // decides; never the store's or projector's thread
};

}  // namespace grappe::server
