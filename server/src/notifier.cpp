#include "notifier.h"

#include <prometheus/family.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "grappe/domain/time.h"

namespace grappe::server {

namespace {

using Clock = std::chrono::system_clock;
constexpr const char* kProjection = "notifier";
constexpr std::size_t kKept = 50;  // sends and failures shown by the admin API
constexpr auto kSendTimeout = std::chrono::seconds(30);
constexpr auto kBackoffMax = std::chrono::seconds(30);
constexpr std::size_t kBatch = 512;
constexpr int kNice = 10;  // the worker thread's niceness (Linux: per thread)
constexpr int kPace = 49;  // catching up under load: asleep 49 times the CPU a batch took
constexpr std::chrono::milliseconds kMaxPause{100};

// CPU time of the calling thread.
std::chrono::microseconds thread_cpu() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) +
         std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(t.tv_nsec));
}

std::chrono::sys_days last_sunday(std::chrono::year y, std::chrono::month m) {
  std::chrono::sys_days d{y / m / std::chrono::last};
  return d - (std::chrono::weekday{d} - std::chrono::Sunday);
}

std::string now_text() {
  return domain::format_timestamp(std::chrono::floor<std::chrono::milliseconds>(Clock::now()));
}

// The SMTP URL without its user info (a password may be there).
std::string public_smtp(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.rfind('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

void keep(std::deque<nlohmann::json>& list, nlohmann::json entry) {
  list.push_front(std::move(entry));
  if (list.size() > kKept) list.pop_back();
}

}  // namespace

std::pair<std::string, int> paris_day_hour(Clock::time_point t) {
  using namespace std::chrono;
  auto utc = floor<seconds>(t);
  auto y = year_month_day{floor<days>(utc)}.year();
  // CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC both.
  auto summer_from = last_sunday(y, March) + hours(1);
  auto summer_to = last_sunday(y, October) + hours(1);
  auto local = utc + (utc >= summer_from && utc < summer_to ? hours(2) : hours(1));
  auto day = floor<days>(local);
  year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return {buf, static_cast<int>(duration_cast<hours>(local - day).count())};
}

Notifier::Notifier(es::Store& store, ReadModels& models, prometheus::Registry& metrics,
                   NotifierOptions options)
    : store_(store),
      models_(models),
      options_(std::move(options)),
      sent_total_(prometheus::BuildCounter()
                      .Name("grappe_notifications_sent_total")
                      .Help("E-mails handed to the SMTP server (digests included)")
                      .Register(metrics)
                      .Add({})),
      failed_total_(prometheus::BuildCounter()
                        .Name("grappe_notifications_failed_total")
                        .Help("Failed attempts to hand an e-mail to the SMTP server")
                        .Register(metrics)
                        .Add({})),
      digests_total_(prometheus::BuildCounter()
                         .Name("grappe_notification_digests_total")
                         .Help("Daily digests sent")
                         .Register(metrics)
                         .Add({})),
      position_gauge_(prometheus::BuildGauge()
                          .Name("grappe_notifier_position")
                          .Help("Last log position whose e-mails were handed over")
                          .Register(metrics)
                          .Add({})),
      lag_gauge_(prometheus::BuildGauge()
                     .Name("grappe_notifier_lag")
                     .Help("Events of the log the notifier has not handled yet")
                     .Register(metrics)
                     .Add({})),
      latency_(prometheus::BuildHistogram()
                   .Name("grappe_notification_latency_seconds")
                   .Help("From the event's time to the SMTP server's acceptance")
                   .Register(metrics)
                   .Add({}, prometheus::Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2, 5,
                                                                    10, 30, 60, 300})) {}

Notifier::~Notifier() {
  stop();
}

void Notifier::start() {
  auto loaded = store_.projection_checkpoint(kProjection);
  if (!loaded) throw std::runtime_error("notifier: " + loaded.error().message);
  std::lock_guard lock(mu_);
  if (*loaded) {
    position_ = (*loaded)->position;
    auto info = nlohmann::json::parse((*loaded)->info, nullptr, false);
    if (info.is_object()) {
      digest_day_ = info.value("digestDay", std::string());
      digest_from_ = info.value("digestFrom", position_);
      digest_to_ = info.value("digestTo", std::uint64_t{0});
    }
    spdlog::info("notifier: resuming after position {} (log at {})", position_,
                 store_.last_position());
  } else {
    position_ = store_.last_position();
    digest_from_ = position_;
    auto [today, hour] = paris_day_hour(Clock::now());
    // The first digest is tomorrow's when today's hour has passed.
    digest_day_ = hour >= options_.digest_hour ? today : std::string();
    spdlog::info("notifier: first start, from position {}", position_);
  }
  saved_ = position_;
  position_gauge_.Set(static_cast<double>(position_));
  worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
  spdlog::info("notifier: sending through {} as {}", public_smtp(options_.smtp),
               options_.mail_from);
}

void Notifier::stop() {
  if (!worker_.joinable()) return;
  cancel_ = true;
  worker_.request_stop();
  wake();
  worker_.join();
  save(true);
}

void Notifier::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Notifier::pause(std::stop_token stop, std::chrono::microseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, stop, d, [] { return false; });
}

void Notifier::wait_for(std::stop_token stop, std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, stop, d, [this] { return woken_; });
  woken_ = false;
}

void Notifier::request_digest() {
  {
    std::lock_guard lock(mu_);
    digest_requested_ = true;
    woken_ = true;
  }
  cv_.notify_all();
}

// Saves the checkpoint and the digest's state: at once when `force`, else at most once a second.
// Not synced (a read model's write): a crash may send the last messages again, same Message-ID.
void Notifier::save(bool force) {
  es::ProjectionWrite write;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (!force && (saved_ == position_ || now - saved_at_ < std::chrono::seconds(1))) return;
    write.projection = kProjection;
    write.checkpoint = position_;
    write.info = nlohmann::json{
        {"digestDay", digest_day_},
        {"digestFrom", digest_from_},
        {"digestTo",
         digest_to_}}.dump();
    saved_ = position_;
    saved_at_ = now;
  }
  if (auto done = store_.write_projection(write); !done) {
    spdlog::warn("notifier: checkpoint not saved: {}", done.error().message);
    std::lock_guard lock(mu_);
    saved_ = 0;  // tried again next time
  }
}

std::string Notifier::mail_id(const std::string& prefix, const std::string& user) const {
  return prefix + "." + user + "@grappe";
}

void Notifier::run(std::stop_token stop) {
  // Background work: a catch-up after downtime must not take the CPU from commands.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kNice);
  while (!stop.stop_requested()) {
    if (digest_due() && !digest(stop)) return;
    std::uint64_t from;
    {
      std::lock_guard lock(mu_);
      from = position_;
    }
    // Only what the read models have applied: the audience is read from them.
    auto applied = models_.position();
    auto last = store_.last_position();
    lag_gauge_.Set(static_cast<double>(last > from ? last - from : 0));
    if (applied <= from) {
      save(false);
      {
        std::lock_guard lock(mu_);
        woken_ = false;
      }
      // One waiter per position (it stays registered until that record is applied).
      if (waiting_for_.exchange(from + 1) != from + 1) {
        models_.when_applied(from + 1, [this] { wake(); });
      }
      wait_for(stop, std::chrono::seconds(1));
      continue;
    }
    slice_cpu_ = thread_cpu();  // a new slice of work for pace()
    slice_log_ = last;
    // Only the records that may notify are decoded: a catch-up after downtime mostly skips.
    std::uint64_t scanned = from;
    auto records = store_.read_all_of_types(from, std::min<std::uint64_t>(kBatch, applied - from),
                                            notified_types(), &scanned);
    if (!records) {
      spdlog::warn("notifier: reading the log failed: {}", records.error().message);
      wait_for(stop, std::chrono::seconds(1));
      continue;
    }
    for (const auto& r : *records) {
      if (!process(r, stop)) return;
      // Each notifying record handled while catching up is a slice of background work.
      if (applied - r.position > kBatch) pace(stop);
    }
    {
      std::lock_guard lock(mu_);
      position_ = std::max(position_, scanned);
    }
    position_gauge_.Set(static_cast<double>(scanned));
    save(false);
    if (applied - scanned > kBatch) pace(stop);
  }
}

// Catching up while commands keep coming: after each slice of work (a batch read, a record
// mailed), kPace times its CPU asleep (at most kMaxPause), so that a catch-up takes at most
// 1/(kPace+1) of a core (2 %) from the commands. When the log did not grow meanwhile (no load),
// or once within a batch of the read models (live messages), no pause.
void Notifier::pace(std::stop_token stop) {
  const auto cpu = thread_cpu();
  const auto log = store_.last_position();
  if (log > slice_log_) {
    pause(stop, std::min<std::chrono::microseconds>(kPace * (cpu - slice_cpu_), kMaxPause));
  }
  slice_cpu_ = thread_cpu();
  slice_log_ = store_.last_position();
}

// Sends the immediate notices of `record`, then moves the checkpoint past it. False when
// stopped before all were handed over (the checkpoint stays before it).
bool Notifier::process(const es::Record& record, std::stop_token stop) {
  auto notices = notices_for(record, models_, options_.public_url);
  bool sent = false;
  for (const auto& n : notices) {
    if (n.mode != domain::Notifications::kImmediate) continue;
    auto text = notice_mail(n, options_.public_url);
    Mail mail{options_.mail_from, n.email,   text.subject,
              text.text,          text.html, mail_id(std::to_string(record.position), n.user_id),
              Clock::now()};
    if (!deliver(mail, record.position, n.user_id, record.timestamp, stop)) return false;
    sent = true;
  }
  {
    std::lock_guard lock(mu_);
    position_ = record.position;
  }
  position_gauge_.Set(static_cast<double>(record.position));
  // Saved at most once a second (save(false)): a checkpoint write per message, into the
  // RocksDB the log's synced writes go to, cost c64 more than the messages. A crash then sends
  // up to a second of messages again, with the same Message-ID (at least once).
  if (sent) save(false);
  return true;
}

bool Notifier::deliver(const Mail& mail, std::uint64_t position, const std::string& user,
                       Clock::time_point event_time, std::stop_token stop) {
  auto backoff = std::chrono::seconds(1);
  for (int attempt = 1; !stop.stop_requested(); ++attempt) {
    auto result = send_mail(options_.smtp, mail, kSendTimeout, cancel_);
    auto at = now_text();
    if (result.ok) {
      auto latency = std::chrono::duration<double>(Clock::now() - event_time).count();
      latency_.Observe(latency);
      sent_total_.Increment();
      std::lock_guard lock(mu_);
      pending_ = nullptr;
      keep(sent_, {{"at", at},
                   {"position", position},
                   {"user", user},
                   {"to", mail.to},
                   {"messageId", mail.message_id},
                   {"subject", mail.subject},
                   {"attempts", attempt},
                   {"latencyMs", static_cast<std::int64_t>(latency * 1000)}});
      return true;
    }
    if (stop.stop_requested()) return false;
    failed_total_.Increment();
    spdlog::warn("notifier: {} to {}: {}{}", mail.message_id, mail.to, result.error,
                 result.permanent ? " (refused: not retried)" : "");
    {
      std::lock_guard lock(mu_);
      nlohmann::json failure{
          {"at", at},           {"position", position},         {"user", user},
          {"to", mail.to},      {"messageId", mail.message_id}, {"error", result.error},
          {"attempt", attempt}, {"permanent", result.permanent}};
      keep(failures_, failure);
      pending_ = result.permanent ? nlohmann::json() : failure;
      if (!pending_.is_null()) pending_["retryInSeconds"] = backoff.count();
    }
    if (result.permanent) return true;  // given up: shown in the failures
    wait_for(stop, backoff);
    backoff = std::min<std::chrono::seconds>(backoff * 2, kBackoffMax);
  }
  return false;
}

nlohmann::json Notifier::status() {
  auto last = store_.last_position();
  std::lock_guard lock(mu_);
  return {{"enabled", true},
          {"smtp", public_smtp(options_.smtp)},
          {"from", options_.mail_from},
          {"position", position_},
          {"lag", last > position_ ? last - position_ : 0},
          {"pending", pending_},
          {"digest",
           {{"hour", options_.digest_hour},
            {"timeZone", "Europe/Paris"},
            {"lastDay", digest_day_},
            {"coveredUpTo", digest_from_}}},
          {"sent", nlohmann::json(sent_)},
          {"failures", nlohmann::json(failures_)}};
}

}  // namespace grappe::server
