#include "projector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"
#include "json_util.h"

namespace grappe::server {

nlohmann::json event_json(const es::Record& record) {
  auto data = nlohmann::json::parse(record.data, nullptr, false);
  if (data.is_discarded()) data = nlohmann::json::object();
  return {{"type", record.type},
          {"data", std::move(data)},
          {"actor", {{"id", record.actor.id}, {"name", record.actor.name}}},
          {"at", domain::format_timestamp(record.timestamp)},
          {"commandId", record.command_id}};
}

nlohmann::json stored_event_json(const es::Record& record) {
  auto e = event_json(record);
  e["version"] = record.version;
  e["position"] = record.position;
  e["hash"] = record.hash;
  e["id"] = record.id;
  return e;
}

// Written out directly (every event of a live grappe goes through here), keys in the order
// nlohmann::json would write them. The data is embedded as it is: the store accepts only JSON
// texts as event data.
std::string event_frame(const std::string& grappe, const es::Record& record) {
  std::string out;
  out.reserve(192 + record.data.size() + record.actor.name.size() + record.command_id.size());
  out += R"({"event":{"actor":{"id":)";
  append_json_string(out, record.actor.id);
  out += R"(,"name":)";
  append_json_string(out, record.actor.name);
  out += R"(},"at":")";
  out += domain::format_timestamp(record.timestamp);
  out += R"(","commandId":)";
  append_json_string(out, record.command_id);
  out += R"(,"data":)";
  out += record.data;
  out += R"(,"type":)";
  append_json_string(out, record.type);
  out += R"(},"grappe":)";
  append_json_string(out, grappe);
  out += R"(,"position":)";
  out += std::to_string(record.position);
  out += R"(,"type":"event","version":)";
  out += std::to_string(record.version);
  out += '}';
  return out;
}

Projector::Projector(es::Store& store, ReadModels& models, Hub& hub)
    : store_(store), models_(models), hub_(hub) {}

Projector::~Projector() {
  stop();
}

void Projector::start() {
  if (auto loaded = models_.load(store_); !loaded) throw std::runtime_error(loaded.error());
  auto last_log = std::chrono::steady_clock::now();
  auto folded = models_.catch_up(store_, [&](std::uint64_t done, std::uint64_t target) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_log < std::chrono::seconds(1)) return;
    last_log = now;
    spdlog::info("projections: folding the log, {} / {} ({}%)", done, target,
                 target ? done * 100 / target : 100);
  });
  if (!folded) throw std::runtime_error(folded.error());
  auto target = store_.last_position();
  subscribe();
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return models_.position() >= target || stopping_; });
  }
  flusher_ = std::jthread([this](std::stop_token stop) { flush_loop(stop); });
  spdlog::info("projections: live at position {} ({} events folded at start)", models_.position(),
               *folded);
}

// Each save rewrites the changed grappes whole, holding the read models (commands wait for it):
// saves are spaced so that they take at most 1/kSaveShare of the time, once a second at most
// and every kSaveAtMost at least. A crash only means folding those seconds again at the start.
constexpr auto kSaveAtLeast = std::chrono::seconds(1);
constexpr auto kSaveAtMost = std::chrono::seconds(10);
constexpr int kSaveShare = 50;

void Projector::flush_loop(std::stop_token stop) {
  using Clock = std::chrono::steady_clock;
  std::mutex mu;
  std::condition_variable_any cv;
  Clock::duration every = kSaveAtLeast;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, every, [] { return false; });
    }
    // While the log cannot be written, the read models cannot be either: nothing is lost (they
    // keep their changes and the log has every event); saved once writes resume.
    if (store_.health().degraded) {
      every = kSaveAtLeast;
      continue;
    }
    auto began = Clock::now();
    if (auto saved = models_.flush(store_); !saved) {
      spdlog::error("projections: {} (the log keeps every event; retrying)", saved.error());
    }
    auto took = Clock::now() - began;
    every = std::clamp<Clock::duration>(took * kSaveShare, kSaveAtLeast, kSaveAtMost);
    spdlog::debug("projections: saved in {} ms, next save in {} ms",
                  std::chrono::duration_cast<std::chrono::milliseconds>(took).count(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(every).count());
  }
}

bool Projector::rebuild(const std::string& name, std::string& why) {
  if (!ReadModels::known(name)) {
    why = "unknown projection";
    return false;
  }
  std::lock_guard lock(rebuild_mu_);
  if (stopping_) {
    why = "the server is stopping";
    return false;
  }
  // Marked now, so that the status read right after the 202 already shows it rebuilding.
  if (!models_.claim_rebuild(name)) {
    why = "projection " + name + " is already being rebuilt";
    return false;
  }
  rebuilds_.emplace_back([this, name] {
    if (auto done = models_.rebuild(store_, name, true); !done) {
      spdlog::error("projection {}: online rebuild failed: {}", name, done.error());
    }
  });
  return true;
}

void Projector::stop() {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  cv_.notify_all();
  {
    std::lock_guard lock(rebuild_mu_);
    for (auto& t : rebuilds_) t.join();
    rebuilds_.clear();
  }
  if (flusher_.joinable()) {
    flusher_.request_stop();
    flusher_.join();
  }
  std::unique_ptr<es::Subscription> sub;
  {
    std::lock_guard lock(mu_);
    sub = std::move(subscription_);
  }
  if (sub) sub->cancel();
  std::thread retry;
  {
    std::lock_guard lock(mu_);
    retry = std::move(retry_);
  }
  if (retry.joinable()) retry.join();
  {
    std::lock_guard lock(mu_);
    if (subscription_) subscription_->cancel();
  }
  if (auto saved = models_.flush(store_); !saved) spdlog::error("projections: {}", saved.error());
}

void Projector::subscribe() {
  es::SubscriptionHandler handler;
  handler.on_event = [this](const es::Record& r) { on_record(r); };
  handler.on_live = [this] {
    live_ = true;
    cv_.notify_all();
  };
  handler.on_drop = [this](es::DropReason reason) {
    live_ = false;
    if (stopping_ || reason == es::DropReason::kClosed) return;
    // Fell behind (or a read failed): resume from what was applied; nothing is lost.
    spdlog::warn("projections: subscription dropped, resuming at position {}", models_.position());
    // Not from this thread: the ended subscription is destroyed (joined) by the retry thread.
    std::lock_guard lock(mu_);
    if (retry_.joinable()) retry_.detach();  // a previous retry is done: it only subscribed
    retry_ = std::thread([this] {
      std::unique_ptr<es::Subscription> ended;
      {
        std::lock_guard lock(mu_);
        ended = std::move(subscription_);
      }
      ended.reset();
      if (!stopping_) subscribe();
    });
  };
  std::lock_guard lock(mu_);
  subscription_ = store_.subscribe_all(models_.position(), std::move(handler));
}

void Projector::on_record(const es::Record& record) {
  auto applied = models_.apply(record);
  if (applied.grappe) {
    auto frame = std::make_shared<const std::string>(event_frame(*applied.grappe, record));
    hub_.publish(*applied.grappe, record.version, frame);
    publish_list_item(*applied.grappe);
  }
  if ((record.position & 0xFFFF) == 0 && !live_) {
    spdlog::info("projections: applied {} events", record.position);
  }
  cv_.notify_all();
}

// The grappe's list item, to those watching the list (nothing to do, and nothing read, while no
// one is): copied out under the read models' lock, sent after it.
void Projector::publish_list_item(const std::string& grappe) {
  auto& lists = hub_.lists();
  if (lists.empty()) return;
  std::optional<ListChange> change;
  models_.with_grappe(grappe, [&](const domain::GrappeState* s) {
    if (s) change = ListChange::of(*s);
  });
  if (change) lists.publish(*change);
}

}  // namespace grappe::server
