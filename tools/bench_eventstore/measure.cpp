#include "measure.h"

#include <rocksdb/db.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "grappe/eventstore/store.h"

namespace grappe::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace es = grappe::es;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ~300 bytes of compact JSON, as a typical domain event.
std::string payload(int n) {
  std::string data = "{\"grappe\":\"3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\",\"finess\":\"" +
                     std::to_string(750000000 + n) + "\",\"message\":\"";
  data.append(300 - data.size() - 2, 'x');
  return data + "\"}";
}

std::unique_ptr<es::Store> open(const std::filesystem::path& dir, bool tree = true) {
  es::StoreOptions options;
  options.merkle_tree = tree;
  auto s = es::Store::open(dir, options);
  if (!s) throw std::runtime_error("cannot open store: " + s.error().message);
  return std::move(*s);
}

}  // namespace

Rate fsync_limit(const std::filesystem::path& dir, double seconds) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(o, dir.string(), &raw);
  if (!s.ok()) throw std::runtime_error("rocksdb open: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::string value = payload(0);
  Rate r;
  auto t0 = Clock::now();
  for (long i = 0; since(t0) < seconds; ++i) {
    s = db->Put(wo, "k" + std::to_string(i), value);
    if (!s.ok()) throw std::runtime_error("rocksdb put: " + s.ToString());
    ++r.events;
  }
  r.seconds = since(t0);
  r.per_s = r.events / r.seconds;
  r.mean_latency_ms = 1000.0 * r.seconds / r.events;
  db->Close();
  return r;
}

Rate appends(const std::filesystem::path& dir, int threads, int batch, double seconds, bool tree) {
  auto store = open(dir, tree);
  std::atomic<long> events{0}, calls{0};
  std::atomic<double> latency_total{0};
  auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::string stream = "bench-" + std::to_string(threads) + "x" + std::to_string(batch) + "-" +
                           std::to_string(t);
      std::uint64_t version = store->stream_version(stream);
      double latency = 0;
      long n = 0;
      while (since(t0) < seconds) {
        es::AppendRequest req;
        req.parts.push_back({stream, version, {}});
        for (int i = 0; i < batch; ++i) {
          req.parts[0].events.push_back({"", "EstablishmentInvited", payload(i), {"u-1", "Bench"}});
        }
        auto c0 = Clock::now();
        auto out = store->append_sync(std::move(req));
        if (!out) throw std::runtime_error("append: " + out.error().message);
        latency += since(c0);
        version = out->streams[0].version;
        events += batch;
        ++n;
      }
      calls += n;
      double cur = latency_total.load();
      while (!latency_total.compare_exchange_weak(cur, cur + latency)) {
      }
    });
  }
  for (auto& w : workers) w.join();
  Rate r;
  r.seconds = since(t0);
  r.events = static_cast<double>(events.load());
  r.per_s = r.events / r.seconds;
  r.mean_latency_ms = calls ? 1000.0 * latency_total.load() / static_cast<double>(calls) : 0;
  return r;
}

Rate catch_up(const std::filesystem::path& dir) {
  auto store = open(dir);
  const std::uint64_t last = store->last_position();
  std::mutex mu;
  std::condition_variable cv;
  bool live = false;
  std::uint64_t seen = 0;
  auto t0 = Clock::now();
  es::SubscriptionHandler h;
  h.on_event = [&](const es::Record&) { ++seen; };
  h.on_live = [&] {
    std::lock_guard lock(mu);
    live = true;
    cv.notify_all();
  };
  h.on_drop = [&](es::DropReason) {
    std::lock_guard lock(mu);
    live = true;
    cv.notify_all();
  };
  auto sub = store->subscribe_all(0, h);
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(60), [&] { return live; });
  }
  Rate r;
  r.seconds = since(t0);
  sub->cancel();
  if (seen != last) throw std::runtime_error("catch-up delivered " + std::to_string(seen));
  r.events = static_cast<double>(seen);
  r.per_s = r.events / r.seconds;
  return r;
}

}  // namespace grappe::bench
