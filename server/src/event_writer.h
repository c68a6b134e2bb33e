// The one way the server writes to the log (LevelDB's one Write(), Eventuous's command service):
// a decision's domain events become store events with the expected version of every stream,
// under an idempotency key, retried after a version conflict, and reported only once the read
// models show them. Commands, profiles and users write through it; so will every future writer.
// Thread-safe.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "metrics.h"
#include "read_models.h"

namespace grappe::server {

// Events for one stream, decided against its version `expected` (nullopt: any version).
struct StreamWrite {
  std::string stream;
  es::ExpectedVersion expected;
  std::vector<domain::Event> events;
};

// What a decision writes: every part or none.
struct LogWrite {
  std::vector<StreamWrite> parts;  // may be empty: then only `outcome` is recorded
  std::string command_id;          // idempotency key (a repeat writes nothing); empty: none
  std::string outcome;             // kept with command_id, given back to every repeat
};
// The decision needs no write: the caller has its answer (a refusal it does not record, no
// change to make).
struct NothingToWrite {};
// The read models trail the log: decide again once they show its tail.
struct DecideAgain {};
using Decided = std::variant<LogWrite, NothingToWrite, DecideAgain>;

struct Written {
  std::uint64_t last_position = 0;  // the read models show it (0: only an outcome was recorded)
  std::string outcome;              // ours, or the first outcome recorded under the command id
  bool duplicate = false;           // the command id was seen before: nothing was written
};

enum class WriteFailure {
  kNothingToWrite,  // the decision said so (not a failure of the log)
  kConflict,        // the streams kept changing: EventWriter::kMaxTries decisions lost the race
  kUnavailable,     // the log cannot be written now (disk full, I/O error): nothing was recorded
  kInternal,        // any other store error; logged
};
struct WriteError {
  WriteFailure failure;
  std::string message;  // for logs
};
using WriteOutcome = std::expected<Written, WriteError>;

class EventWriter {
 public:
  static constexpr int kMaxTries = 3;  // decisions per write that may lose a version race
  using Decide = std::function<Decided()>;
  using Done = std::function<void(WriteOutcome)>;

  // Logs the store's health as it changes (writes suspended, resumed) and keeps the gauge of
  // /metrics until stop().
  EventWriter(es::Store& store, ReadModels& models, Metrics& metrics);
  // Calls stop(): the store must still be open then, or stop() must have been called before it
  // closed.
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Calls `decide` (first on the calling thread, later ones on the writer's own thread, never
  // the store's or the projector's) against the read models, appends what it decided with the
  // expected versions it gave, and after a version conflict decides again once the read models
  // show the events that won. `done` runs exactly once, from any thread: with Written once the
  // write is durable and applied to the read models, or with why nothing was written.
  void write(const domain::User& by, Decide decide, Done done);

  // Runs `fn` on the writer's thread (a decision queued behind others).
  void defer(std::function<void()> fn);

  es::Store& store() { return store_; }

  // Stops watching the store's health and waits for the decisions already queued; writes after
  // this are not decided. Call it before the store closes. Idempotent.
  void stop();

 private:
  struct Job;
  void attempt(std::shared_ptr<Job> job);
  void on_appended(std::shared_ptr<Job> job, es::AppendOutcome outcome);
  // Decides again once the read models show the log's tail.
  void again(std::shared_ptr<Job> job);

  es::Store& store_;
  ReadModels& models_;
  boost::asio::thread_pool pool_{1};
  bool stopped_ = false;
};

}  // namespace grappe::server
