#include "projector.h"

#include <spdlog/spdlog.h>

#include "grappe/domain/streams.h"

namespace grappe::server {

nlohmann::json event_json(const es::Record& record) {
  auto data = nlohmann::json::parse(record.data, nullptr, false);
  if (data.is_discarded()) data = nlohmann::json::object();
  return {{"type", record.type},
          {"data", std::move(data)},
          {"actor", {{"id", record.actor.id}, {"name", record.actor.name}}},
          {"at", es::format_timestamp(record.timestamp)},
          {"commandId", record.command_id}};
}

nlohmann::json event_message(const std::string& grappe, const es::Record& record) {
  return {{"type", "event"},
          {"grappe", grappe},
          {"version", record.version},
          {"position", record.position},
          {"event", event_json(record)}};
}

Projector::Projector(es::Store& store, ReadModels& models, Hub& hub)
    : store_(store), models_(models), hub_(hub) {}

Projector::~Projector() {
  stop();
}

void Projector::start() {
  auto target = store_.last_position();
  spdlog::info("projections: folding {} events of the log", target - models_.position());
  subscribe();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return models_.position() >= target || stopping_; });
  spdlog::info("projections: live at position {}", models_.position());
}

void Projector::stop() {
  stopping_ = true;
  cv_.notify_all();
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
  std::lock_guard lock(mu_);
  if (subscription_) subscription_->cancel();
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
    auto frame = std::make_shared<const std::string>(event_message(*applied.grappe, record).dump());
    hub_.publish(*applied.grappe, record.version, frame);
  }
  if ((record.position & 0xFFFF) == 0 && !live_) {
    spdlog::info("projections: applied {} events", record.position);
  }
  cv_.notify_all();
}

}  // namespace grappe::server
