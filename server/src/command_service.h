// Runs commands: decide against the latest state, write through the EventWriter (idempotent,
// durable, applied), answer. Thread-safe. Answers are typed (command_answer.h) up to the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "command_answer.h"
#include "command_request.h"
#include "event_writer.h"
#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "grappe/domain/user.h"
#include "metrics.h"
#include "read_models.h"
#include "registries.h"

namespace grappe::server {

class CommandService {
 public:
  using Done = std::function<void(CommandAnswer answer)>;

  CommandService(EventWriter& writer, ReadModels& models, const Registries& registries,
                 const domain::CallConfig& config, Metrics& metrics);

  // Answers exactly once through `done`, from any thread: an `ack` only after the events are
  // durable and applied to the read models; a `rejected` otherwise (`unavailable` when the log
  // cannot be written: nothing was recorded). A command id seen before (even across restarts)
  // gets its first answer back and appends nothing. Commands on one grappe are decided one
  // after the other (each sees its predecessors' events); commands on different grappes run
  // concurrently and share the store's group commit.
  void execute(const domain::User& user, CommandRequest request, Done done);

 private:
  struct Run;
  // One decision of `run` against the read models: its events with the ack, or its refusal.
  Decided decide(Run& run);
  // Writes `run`'s decision (or records `refusal` as its answer when given), then answers.
  void write(std::shared_ptr<Run> run, std::optional<domain::Rejection> refusal = {});
  void finish(const std::shared_ptr<Run>& run, const WriteOutcome& outcome);
  // Starts the next command waiting on `grappe`, if any.
  void next_in_lane(const std::string& grappe);

  EventWriter& writer_;
  ReadModels& models_;
  const Registries& registries_;
  const domain::CallConfig& config_;
  Metrics& metrics_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::shared_ptr<Run>>> lanes_;
};

}  // namespace grappe::server
