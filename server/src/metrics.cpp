#include "metrics.h"

#include <prometheus/text_serializer.h>

#include <map>
#include <sstream>

namespace grappe::server {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      commands_(BuildCounter()
                    .Name("grappe_commands_total")
                    .Help("Commands answered, by outcome (ack or rejection code)")
                    .Register(*registry_)),
      acked_(commands_.Add({{"outcome", "ack"}})),
      append_latency_(
          BuildHistogram()
              .Name("grappe_append_seconds")
              .Help("Time from a command's arrival to its durable append")
              .Register(*registry_)
              .Add({},
                   prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025,
                                                           0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      connections_(BuildGauge()
                       .Name("grappe_websocket_connections")
                       .Help("Open WebSocket connections")
                       .Register(*registry_)
                       .Add({})),
      send_queue_closes_(BuildCounter()
                             .Name("grappe_send_queue_closes_total")
                             .Help("WebSocket connections closed with 4408 (client too slow)")
                             .Register(*registry_)
                             .Add({})),
      log_position_(BuildGauge()
                        .Name("grappe_log_position")
                        .Help("Position of the last durable event")
                        .Register(*registry_)
                        .Add({})),
      subscriptions_(BuildGauge()
                         .Name("grappe_subscriptions")
                         .Help("Grappe subscriptions of open WebSocket connections")
                         .Register(*registry_)
                         .Add({})),
      projection_position_(BuildGauge()
                               .Name("grappe_projection_position")
                               .Help("Last log position applied to a read model")
                               .Register(*registry_)),
      projection_lag_(BuildGauge()
                          .Name("grappe_projection_lag")
                          .Help("Events of the log not yet applied to a read model")
                          .Register(*registry_)),
      projection_rebuilding_(BuildGauge()
                                 .Name("grappe_projection_rebuilding")
                                 .Help("1 while a read model is being rebuilt online")
                                 .Register(*registry_)),
      projection_progress_(BuildGauge()
                               .Name("grappe_projection_rebuild_progress")
                               .Help("Share of the log folded by a running rebuild (0..1)")
                               .Register(*registry_)),
      projection_applied_(BuildGauge()
                              .Name("grappe_projection_events_applied")
                              .Help("Events folded into the read models since the start")
                              .Register(*registry_)
                              .Add({})),
      store_degraded_(BuildGauge()
                          .Name("grappe_store_degraded")
                          .Help("1 while the log cannot be written (disk full, I/O error): "
                                "commands are answered unavailable")
                          .Register(*registry_)
                          .Add({})) {}

void Metrics::command(const std::string& outcome) {
  if (outcome == "ack") return acked_.Increment();
  std::lock_guard lock(mu_);  // Family::Add is thread-safe, the lookup cost is what we save
  commands_.Add({{"outcome", outcome}}).Increment();
}

void Metrics::append_latency(double seconds) {
  append_latency_.Observe(seconds);
}
void Metrics::connection_opened() {
  connections_.Increment();
}
void Metrics::connection_closed() {
  connections_.Decrement();
}
void Metrics::send_queue_closed() {
  send_queue_closes_.Increment();
}
void Metrics::store_degraded(bool degraded) {
  store_degraded_.Set(degraded ? 1 : 0);
}

std::string Metrics::render(double position, double subscriptions,
                            const std::vector<ProjectionSample>& projections, double applied) {
  log_position_.Set(position);
  subscriptions_.Set(subscriptions);
  projection_applied_.Set(applied);
  for (const auto& p : projections) {
    const std::map<std::string, std::string> labels{{"projection", p.name}};
    projection_position_.Add(labels).Set(p.position);
    projection_lag_.Add(labels).Set(p.lag);
    projection_rebuilding_.Add(labels).Set(p.rebuilding ? 1 : 0);
    projection_progress_.Add(labels).Set(p.progress);
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace grappe::server
