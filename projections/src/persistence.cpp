// ReadModels: loading, saving, catching up and rebuilding from the log.
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "grappe/projections/read_models.h"
#include "log_reader.h"
#include "models.h"

namespace grappe::projections {
namespace {

constexpr std::size_t kParallelCollect = 10'000;  // changed keys

// Folds `records` into `p` (only those past its position).
void fold(Projection& p, const std::vector<es::Record>& records) {
  for (const auto& r : records) {
    if (r.position <= p.position) continue;
    if (p.wants(r.stream)) {
      if (auto event = decode_record(r)) p.apply(r, *event);
    }
    p.position = r.position;
  }
}

template <typename All>
std::uint64_t lowest_position(const All& all) {
  std::uint64_t low = UINT64_MAX;
  for (const auto& p : all) low = std::min(low, p->position);
  return low;
}

template <typename All>
std::uint64_t highest_position(const All& all) {
  std::uint64_t high = 0;
  for (const auto& p : all) high = std::max(high, p->position);
  return high;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void ReadModels::bind_typed() {
  grappes_ = static_cast<GrappesProjection*>(all_[0].get());
  esms_ = static_cast<EstablishmentsProjection*>(all_[1].get());
  users_ = static_cast<UsersProjection*>(all_[2].get());
}

std::expected<void, std::string> ReadModels::load(es::Store& store) {
  std::lock_guard saving(save_mu_);
  std::unique_lock lock(mu_);
  const auto head = store.last_position();
  // Read back side by side: each projection on its own thread (a start waits for the largest).
  struct Loaded {
    std::unique_ptr<Projection> fresh;
    std::string problem;
    std::expected<std::optional<es::ProjectionCheckpoint>, es::StoreError> checkpoint;
    double seconds = 0;
  };
  std::vector<std::future<Loaded>> loading;
  for (std::size_t i = 0; i < all_.size(); ++i) {
    loading.push_back(std::async(std::launch::async, [&store, p = all_[i]->empty_copy()]() mutable {
      const auto start = std::chrono::steady_clock::now();
      Loaded l{std::move(p), {}, std::nullopt, 0};
      l.checkpoint =
          store.load_projection(l.fresh->name(), [&](std::string_view key, std::string_view value) {
            if (!l.problem.empty()) return;
            if (auto loaded = l.fresh->load(key, value); !loaded) l.problem = loaded.error();
          });
      l.seconds = seconds_since(start);
      return l;
    }));
  }
  for (std::size_t i = 0; i < all_.size(); ++i) {
    auto [fresh, problem, checkpoint, seconds] = loading[i].get();
    const auto name = fresh->name();
    if (!checkpoint) {
      return std::unexpected("reading projection " + std::string(name) + ": " +
                             checkpoint.error().message);
    }
    std::string stale;
    if (!*checkpoint) {
      if (head > 0) spdlog::info("projection {}: not saved yet, folding the log", name);
    } else if ((*checkpoint)->info != fresh->code_version()) {
      stale = "saved by code version " + (*checkpoint)->info + ", this server has " +
              std::string(fresh->code_version());
    } else if (!problem.empty()) {
      stale = "saved data does not read back (" + problem + ")";
    } else if ((*checkpoint)->position > head) {
      stale = "checkpoint " + std::to_string((*checkpoint)->position) + " is past the log's end " +
              std::to_string(head);
    } else {
      fresh->position = (*checkpoint)->position;
      spdlog::info("projection {}: {} entries at checkpoint {}, read in {:.0f} ms", name,
                   fresh->size(), fresh->position, seconds * 1000);
    }
    if (!stale.empty()) {
      spdlog::warn("projection {}: {}; rebuilding it from the log", name, stale);
      if (auto dropped = store.drop_projection(name); !dropped) {
        return std::unexpected("dropping projection " + std::string(name) + ": " +
                               dropped.error().message);
      }
      fresh = fresh->empty_copy();
    }
    saved_[i] = fresh->position;
    replace_[i] = false;
    all_[i] = std::move(fresh);
  }
  bind_typed();
  position_ = lowest_position(all_);
  return {};
}

std::expected<std::uint64_t, std::string> ReadModels::catch_up(es::Store& store,
                                                               const Progress& progress) {
  const auto target = store.last_position();
  std::uint64_t from;
  {
    std::shared_lock lock(mu_);
    from = lowest_position(all_);
  }
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t folded = 0;
  // Which record each projection still needs: fixed now (positions only grow).
  std::vector<std::pair<const Projection*, std::uint64_t>> behind;
  {
    std::shared_lock lock(mu_);
    for (const auto& p : all_) behind.emplace_back(p.get(), p->position);
  }
  LogReader reader(store, from, target, [behind](const es::Record& r) {
    for (const auto& [p, position] : behind) {
      if (position < r.position && p->wants(r.stream)) return true;
    }
    return false;
  });
  for (;;) {
    auto chunk = reader.next();
    if (!chunk) return std::unexpected(chunk.error());
    if (!*chunk) break;
    const auto& records = (*chunk)->records;
    auto& events = (*chunk)->events;
    {
      std::unique_lock lock(mu_);
      for (std::size_t k = 0; k < records.size(); ++k) {
        apply_locked(records[k], events[k] ? &*events[k] : nullptr, true);
      }
    }
    from = records.back().position;
    folded += records.size();
    if (progress) progress(from, target);
  }
  if (folded > 0) {
    const double s = seconds_since(start);
    spdlog::info("projections: folded {} events in {:.2f} s ({:.0f}/s)", folded, s,
                 s > 0 ? folded / s : 0.0);
  }
  {
    std::unique_lock lock(mu_);
    position_ = highest_position(all_);
  }
  if (auto saved = flush(store); !saved) return std::unexpected(saved.error());
  return folded;
}

std::expected<void, std::string> ReadModels::flush(es::Store& store) {
  std::lock_guard saving(save_mu_);
  std::vector<std::pair<std::size_t, es::ProjectionWrite>> writes;
  writes.reserve(all_.size());
  {
    std::unique_lock lock(mu_);
    // Large collections (after a fold from scratch) are encoded side by side.
    std::vector<std::future<void>> encoding;
    for (std::size_t i = 0; i < all_.size(); ++i) {
      Projection& p = *all_[i];
      if (p.changed() == 0 && p.position == saved_[i] && !replace_[i]) continue;
      auto& write = writes.emplace_back(i, es::ProjectionWrite{}).second;
      write.projection = std::string(p.name());
      write.replace = replace_[i];
      write.checkpoint = p.position;
      write.info = std::string(p.code_version());
      if (p.changed() >= kParallelCollect || replace_[i]) {
        encoding.push_back(
            std::async(std::launch::async, [&p, &write] { p.collect(write, write.replace); }));
      } else {
        p.collect(write, write.replace);
      }
    }
    for (auto& e : encoding) e.get();
  }
  std::string problem;
  for (auto& [i, write] : writes) {
    if (auto done = store.write_projection(write); !done) {
      // The changes were handed over: rewrite everything next time rather than lose them.
      replace_[i] = true;
      problem = "saving projection " + write.projection + ": " + done.error().message;
      spdlog::error("{}", problem);
      continue;
    }
    saved_[i] = write.checkpoint;
    replace_[i] = false;
  }
  if (!problem.empty()) return std::unexpected(problem);
  return {};
}

std::expected<void, std::string> ReadModels::reset(es::Store& store, std::string_view name) {
  std::lock_guard saving(save_mu_);
  for (std::size_t i = 0; i < all_.size(); ++i) {
    if (!name.empty() && kNames[i] != name) continue;
    if (auto dropped = store.drop_projection(kNames[i]); !dropped) {
      return std::unexpected("dropping projection " + std::string(kNames[i]) + ": " +
                             dropped.error().message);
    }
    std::unique_lock lock(mu_);
    all_[i] = all_[i]->empty_copy();
    saved_[i] = 0;
    replace_[i] = false;
  }
  std::unique_lock lock(mu_);
  bind_typed();
  position_ = lowest_position(all_);
  return {};
}

bool ReadModels::claim_rebuild(std::string_view name) {
  return known(name) && !rebuilding_[index(name)].exchange(true);
}

std::expected<void, std::string> ReadModels::rebuild(es::Store& store, std::string_view name,
                                                     bool claimed) {
  if (!known(name)) return std::unexpected("unknown projection");
  const std::size_t i = index(name);
  if (!claimed && !claim_rebuild(name)) return std::unexpected("already rebuilding");
  struct Done {
    ReadModels& m;
    std::size_t i;
    ~Done() {
      m.rebuilding_[i] = false;
      m.progress_[i] = 0;
    }
  } done{*this, i};

  std::unique_ptr<Projection> fresh;
  {
    std::shared_lock lock(mu_);
    fresh = all_[i]->empty_copy();
  }
  const auto start = std::chrono::steady_clock::now();
  const auto target = store.last_position();
  spdlog::info("projection {}: online rebuild of {} events started", name, target);
  // Beside the live one, which keeps serving: no lock while folding.
  {
    const Projection* p = fresh.get();
    LogReader reader(store, 0, target, [p](const es::Record& r) { return p->wants(r.stream); });
    for (;;) {
      auto chunk = reader.next();
      if (!chunk) return std::unexpected(chunk.error());
      if (!*chunk) break;
      const auto& records = (*chunk)->records;
      for (std::size_t k = 0; k < records.size(); ++k) {
        if (const auto& event = (*chunk)->events[k]) fresh->apply(records[k], *event);
        fresh->position = records[k].position;
      }
      progress_[i] = static_cast<double>(fresh->position) / static_cast<double>(target);
    }
  }

  // Save it (flushes wait), then catch up with the live one and swap.
  std::lock_guard saving(save_mu_);
  es::ProjectionWrite write;
  write.projection = std::string(name);
  write.replace = true;
  fresh->collect(write, true);
  write.checkpoint = fresh->position;
  write.info = std::string(fresh->code_version());
  if (auto saved = store.write_projection(write); !saved) {
    return std::unexpected("saving projection: " + saved.error().message);
  }
  std::uint64_t swapped_at;
  {
    std::unique_lock lock(mu_);
    while (fresh->position < position_) {
      auto batch = store.read_all(fresh->position, position_ - fresh->position);
      if (!batch) return std::unexpected("reading the log: " + batch.error().message);
      if (batch->empty()) break;
      fold(*fresh, *batch);
    }
    std::swap(all_[i], fresh);
    bind_typed();
    swapped_at = all_[i]->position;
  }
  saved_[i] = write.checkpoint;
  replace_[i] = false;
  applied_ += swapped_at;
  const double s = seconds_since(start);
  spdlog::info("projection {}: rebuilt from {} events in {:.2f} s ({:.0f}/s), swapped in at {}",
               name, swapped_at, s, s > 0 ? swapped_at / s : 0.0, swapped_at);
  return {};
}

std::vector<ReadModels::Status> ReadModels::status() const {
  std::shared_lock lock(mu_);
  std::vector<Status> out;
  for (std::size_t i = 0; i < all_.size(); ++i) {
    out.push_back(Status{std::string(kNames[i]), all_[i]->position, rebuilding_[i].load(),
                         progress_[i].load(), all_[i]->size()});
  }
  return out;
}

}  // namespace grappe::projections
