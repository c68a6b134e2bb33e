// The notifier (PROTOCOL.md v2, "notifications"): a reader of the whole log with its own
// checkpoint (projection `notifier` in the store), which e-mails each event's audience
// (notifier_messages.h) on its own thread, off the command path. At least once: the checkpoint
// moves past an event only once its messages were handed to the SMTP server (or refused for
// good), so a crash means sending some again, with the same `Message-ID: <P.USERID@grappe>`.
// Failures are retried with backoff (1 s doubling to 30 s), the last sends and failures kept for
// GET /api/admin/notifications. Users who chose `daily` get one digest a day at the digest hour
// (Europe/Paris), covering the events since the last one; what a digest needs (the day of the
// last one, the position it reached, a digest being sent) is kept with the checkpoint.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "grappe/eventstore/store.h"
#include "mail.h"
#include "notifier_messages.h"
#include "read_models.h"

namespace grappe::server {

struct NotifierOptions {
  std::string smtp;        // smtp://HOST:PORT or smtps://HOST:PORT (user info allowed)
  std::string mail_from;   // the sender's address
  std::string public_url;  // links in messages, without a trailing '/'
  int digest_hour = 7;     // Europe/Paris
};

// The local date ("2026-12-07") and hour in Europe/Paris (CET/CEST, EU rules) at `t`.
std::pair<std::string, int> paris_day_hour(std::chrono::system_clock::time_point t);

class Notifier {
 public:
  Notifier(es::Store& store, ReadModels& models, prometheus::Registry& metrics,
           NotifierOptions options);
  ~Notifier();

  // Reads the checkpoint back (a first start begins at the log's end: history is not mailed)
  // and starts the worker. Throws std::runtime_error when the checkpoint cannot be read.
  void start();
  // Stops the worker (an SMTP exchange in progress is abandoned) and saves the checkpoint.
  void stop();

  // GET /api/admin/notifications.
  nlohmann::json status();
  // Asks for a digest now (the admin trigger), whatever the hour; today's is then done.
  void request_digest();

 private:
  void run(std::stop_token stop);
  bool process(const es::Record& record, std::stop_token stop);
  bool deliver(const Mail& mail, std::uint64_t position, const std::string& user,
               std::chrono::system_clock::time_point event_time, std::stop_token stop);
  bool digest(std::stop_token stop);
  bool digest_due();
  void save(bool force);
  void wait_for(std::stop_token stop, std::chrono::milliseconds d);
  void pause(std::stop_token stop, std::chrono::microseconds d);  // until stopped or `d` passed
  void pace(std::stop_token stop);
  // The current slice of background work (pace()): where it began, on the worker thread only.
  std::chrono::microseconds slice_cpu_{0};
  std::uint64_t slice_log_ = 0;
  void wake();
  std::string mail_id(const std::string& prefix, const std::string& user) const;

  es::Store& store_;
  ReadModels& models_;
  NotifierOptions options_;
  std::jthread worker_;
  std::atomic<bool> cancel_{false};
  std::atomic<std::uint64_t> waiting_for_{0};  // the position a models' waiter wakes us at

  std::mutex mu_;  // what follows
  std::condition_variable_any cv_;
  bool woken_ = false;
  bool digest_requested_ = false;
  std::uint64_t position_ = 0;  // last event whose messages were handed over
  std::uint64_t saved_ = 0;
  std::chrono::steady_clock::time_point saved_at_{};
  std::string digest_day_;         // Paris date of the last digest
  std::uint64_t digest_from_ = 0;  // the last digest covered the events up to here
  std::uint64_t digest_to_ = 0;    // a digest being sent covers up to here (0: none)
  nlohmann::json pending_;         // the message being retried, or null
  std::deque<nlohmann::json> sent_, failures_;

  prometheus::Counter& sent_total_;
  prometheus::Counter& failed_total_;
  prometheus::Counter& digests_total_;
  prometheus::Gauge& position_gauge_;
  prometheus::Gauge& lag_gauge_;
  prometheus::Histogram& latency_;
};

}  // namespace grappe::server
