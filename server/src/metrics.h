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

namespace grappe::server {

class Metrics {
 public:
  Metrics();
  void command(const std::string& outcome);  // "ack" or a rejection code
  void append_latency(double seconds);
  void connection_opened();
  void connection_closed();
  void send_queue_closed();
  // Text exposition format; `position` and `subscriptions` are sampled now.
  std::string render(double position, double subscriptions, double projection_position);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Histogram& append_latency_;
  prometheus::Gauge& connections_;
  prometheus::Counter& send_queue_closes_;
  prometheus::Gauge& log_position_;
  prometheus::Gauge& subscriptions_;
  prometheus::Gauge& projection_position_;
  std::mutex mu_;
};

}  // namespace grappe::server
