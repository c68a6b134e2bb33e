#include "event_writer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace grappe::server {

namespace {

// A decision that keeps finding the read models behind the log (appends by others in between)
// is given up after this many waits; each wait lasts until the models show the log's tail.
constexpr int kMaxWaits = 8;

// The store's health as it changes: logged, and the gauge of /metrics.
void report_store_health(const es::StoreHealth& health, Metrics& metrics) {
  metrics.store_degraded(health.degraded);
  if (health.degraded) {
    spdlog::error(
        "event store: {}: writes suspended; commands are answered `unavailable` until the disk "
        "accepts writes again (retried every second)",
        health.reason);
  } else {
    spdlog::warn("event store: writes resumed after {:.1f} s", health.outage.count() / 1000.0);
  }
}

es::AppendRequest to_append(LogWrite&& write, const domain::User& by) {
  es::AppendRequest append;
  append.command_id = std::move(write.command_id);
  append.outcome = std::move(write.outcome);
  for (auto& part : write.parts) {
    es::AppendPart out{std::move(part.stream), part.expected, {}};
    out.events.reserve(part.events.size());
    for (const auto& e : part.events) {
      out.events.push_back(es::NewEvent{{},
                                        std::string(domain::type_name(e)),
                                        domain::encode(e).dump(),
                                        es::Actor{by.id, by.name}});
    }
    append.parts.push_back(std::move(out));
  }
  return append;
}

}  // namespace

struct EventWriter::Job {
  domain::User by;
  Decide decide;
  Done done;
  int tries = 0;  // appends that lost a version race
  int waits = 0;  // decisions that found the read models behind the log
};

EventWriter::EventWriter(es::Store& store, ReadModels& models, Metrics& metrics)
    : store_(store), models_(models) {
  store_.watch_health(
      [&metrics](const es::StoreHealth& health) { report_store_health(health, metrics); });
}

EventWriter::~EventWriter() {
  stop();
}

void EventWriter::stop() {
  if (stopped_) return;
  stopped_ = true;
  store_.watch_health({});
  pool_.join();
}

void EventWriter::write(const domain::User& by, Decide decide, Done done) {
  attempt(std::make_shared<Job>(Job{by, std::move(decide), std::move(done)}));
}

void EventWriter::defer(std::function<void()> fn) {
  boost::asio::post(pool_, std::move(fn));
}

void EventWriter::again(std::shared_ptr<Job> job) {
  models_.when_applied(store_.last_position(),
                       [this, job] { defer([this, job] { attempt(job); }); });
}

void EventWriter::attempt(std::shared_ptr<Job> job) {
  auto decided = job->decide();
  if (std::holds_alternative<NothingToWrite>(decided)) {
    return job->done(std::unexpected(WriteError{WriteFailure::kNothingToWrite, {}}));
  }
  if (std::holds_alternative<DecideAgain>(decided)) {
    if (++job->waits > kMaxWaits) {
      return job->done(std::unexpected(
          WriteError{WriteFailure::kConflict, "the read models kept trailing the log"}));
    }
    return again(job);
  }
  store_.append(to_append(std::get<LogWrite>(std::move(decided)), job->by),
                [this, job](es::AppendOutcome outcome) { on_appended(job, std::move(outcome)); });
}

// On the store's writer thread: nothing long here.
void EventWriter::on_appended(std::shared_ptr<Job> job, es::AppendOutcome outcome) {
  if (outcome) {
    Written written{outcome->last_position, std::move(outcome->outcome), outcome->duplicate};
    // Reported once the read models show the events, so that a read after the answer sees them.
    return models_.when_applied(written.last_position,
                                [job, written = std::move(written)] { job->done(written); });
  }
  auto& error = outcome.error();
  switch (error.code) {
    case es::StoreErrc::kVersionConflict:
      // Someone appended first: decide again against the state that includes their events.
      if (++job->tries < kMaxTries) return again(job);
      return job->done(std::unexpected(WriteError{WriteFailure::kConflict, error.message}));
    case es::StoreErrc::kIo:
      return job->done(std::unexpected(WriteError{WriteFailure::kUnavailable, error.message}));
    default:
      spdlog::error("event writer: append failed: {}", error.message);
      return job->done(std::unexpected(WriteError{WriteFailure::kInternal, error.message}));
  }
}

}  // namespace grappe::server
