// Prometheus metrics of the server (GET /metrics).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace grappe::server {

class Metrics {
 public:
  Metrics();
  void command(const std::string& outcome);  // "ack" or a rejection code
  void append_latency(double seconds);
  void connection_opened();
  void connection_closed();
  void send_queue_closed();
  // 1 while the event store's writes are suspended (disk full, I/O error), else 0.
  void store_degraded(bool degraded);
  // Where other parts of the server (connection_limits.h) register their own metrics.
  prometheus::Registry& registry() { return *registry_; }
  struct ProjectionSample {
    std::string name;
    double position = 0, lag = 0, progress = 0;
    bool rebuilding = false;
  };
  // Text exposition format; the arguments are sampled now.
  std::string render(double position, double subscriptions,
                     const std::vector<ProjectionSample>& projections, double applied);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Counter& acked_;  // the common outcome, counted without a label lookup
  prometheus::Histogram& append_latency_;
  prometheus::Gauge& connections_;
  prometheus::Counter& send_queue_closes_;
  prometheus::Gauge& log_position_;
  prometheus::Gauge& subscriptions_;
  prometheus::Family<prometheus::Gauge>& projection_position_;
  prometheus::Family<prometheus::Gauge>& projection_lag_;
  prometheus::Family<prometheus::Gauge>& projection_rebuilding_;
  prometheus::Family<prometheus::Gauge>& projection_progress_;
  prometheus::Gauge& projection_applied_;
  prometheus::Gauge& store_degraded_;
  std::mutex mu_;
};

}  // namespace grappe::server
