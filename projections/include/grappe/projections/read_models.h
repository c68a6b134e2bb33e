// grappe/projections/read_models.h — the server's read models, folded from the whole log ($all):
// grappe states (and so the grappe list), the establishment → memberships index with profiles,
// and the user directory.
//
// Each is kept in memory for reads and saved to the store's projection storage together with
// its checkpoint (one batch), so that a start resumes from the checkpoints instead of replaying
// the log. Any of them can be rebuilt from the log: offline (admin tool) or online, beside the
// live one, swapped in once it has caught up.
//
// One thread (the server's projector) applies live records; any thread reads (readers get
// copies); flush() and rebuild() may run on other threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/domain/state.h"
#include "grappe/domain/user.h"
#include "grappe/eventstore/store.h"
#include "grappe/projections/projection.h"

namespace grappe::projections {

class GrappesProjection;
class EstablishmentsProjection;
class UsersProjection;

// Called now and then during long folds with (position reached, position to reach).
using Progress = std::function<void(std::uint64_t done, std::uint64_t target)>;

class ReadModels {
 public:
  static constexpr std::array<std::string_view, 3> kNames{"grappes", "establishments", "users"};

  ReadModels();
  ~ReadModels();

  // --- persistence and rebuilds ---

  // Reads every projection back from the store. One that was never saved, was saved by another
  // code version or does not read back starts empty at position 0 (logged, with the reason).
  std::expected<void, std::string> load(es::Store& store);
  // Folds the log into every projection from its own position up to the log's current end,
  // then saves. Returns the number of records folded (summed over projections).
  std::expected<std::uint64_t, std::string> catch_up(es::Store& store, const Progress& progress);
  // Saves what changed since the last save, each projection with its checkpoint in one batch.
  std::expected<void, std::string> flush(es::Store& store);
  // Empties the named projection (all when empty) in memory and on disk.
  std::expected<void, std::string> reset(es::Store& store, std::string_view name);
  // Online rebuild of `name`: folds the log into a new copy while the live one keeps serving,
  // saves it, catches it up with live records and swaps it in. Blocking: call it on a worker.
  // `claimed`: the caller already marked it with claim_rebuild() (so that a status read right
  // after the request shows it rebuilding); otherwise rebuild() marks it, or fails when a rebuild
  // of it is already running.
  std::expected<void, std::string> rebuild(es::Store& store, std::string_view name,
                                           bool claimed = false);
  // Marks `name` as rebuilding; false when it is unknown or already being rebuilt.
  bool claim_rebuild(std::string_view name);

  struct Status {
    std::string name;
    std::uint64_t position = 0;
    bool rebuilding = false;
    double progress = 0;  // 0..1 while rebuilding
    std::size_t size = 0;
  };
  std::vector<Status> status() const;
  static bool known(std::string_view name);

  // --- the live fold ---

  // What applying one record changed, for the caller to publish.
  struct Applied {
    std::optional<std::string> grappe;   // set when the record belongs to a grappe stream
    std::optional<domain::Event> event;  // the decoded event (nullopt if unknown type)
  };
  // Applies the record at position position()+1 to every projection. Records of unknown types
  // are counted and skipped (the log is the truth; an older server may meet a newer event).
  Applied apply(const es::Record& record);

  std::uint64_t position() const;
  std::uint64_t unknown_events() const;
  // Records folded by this process (live, catch-up and rebuilds): 0 after a start whose
  // checkpoints were current.
  std::uint64_t applied() const { return applied_; }

  // Runs `fn` (on the applying thread, or at once on the caller's) when position >= `pos`.
  void when_applied(std::uint64_t pos, std::function<void()> fn);

  // --- reads ---

  std::optional<domain::GrappeState> grappe(const std::string& id) const;
  // Every grappe the predicate accepts, sorted by name then id.
  std::vector<domain::GrappeState> grappes(
      const std::function<bool(const domain::GrappeState&)>& keep) const;
  // One page of that list: the grappes `keep` accepts, by name then id, from just after
  // `after` ({name, id} of the last one of the previous page; nullptr: from the first), at most
  // `limit`. `more`: others follow. Walks an index in list order, copying only the page: the
  // index of the smallest of `facets` ({kind, value}: "status", "region" or "call"; `keep` must
  // check them too), or of every grappe when there are none.
  struct GrappePage {
    std::vector<domain::GrappeState> grappes;
    bool more = false;
  };
  using Facet = std::pair<std::string_view, std::string>;
  GrappePage grappe_page(const std::function<bool(const domain::GrappeState&)>& keep,
                         const std::vector<Facet>& facets,
                         const std::pair<std::string, std::string>* after, std::size_t limit) const;
  domain::EsmsState esms(const std::string& finess) const;
  // Calls `fn` for every establishment state under one read lock (keep it quick).
  void for_each_esms(
      const std::function<void(const std::string& finess, const domain::EsmsState&)>& fn) const;
  std::optional<domain::User> user_by_token_hash(const std::string& token_sha256) const;
  std::optional<domain::User> user(const std::string& id) const;
  // The user of that address, ignoring case; nullopt when none.
  std::optional<domain::User> user_by_email(std::string_view email) const;
  std::vector<domain::User> users() const;
  using EsmsLookup = std::function<domain::EsmsState(const std::string& finess)>;
  // Calls `fn` with the grappe's state (nullptr if unknown) and a lookup of establishment
  // states, all under one read lock: deciding a command without copying a large state. `fn`
  // must not call back into ReadModels (the lookup is the way to read establishments).
  void read_for_decision(
      const std::string& id,
      const std::function<void(const domain::GrappeState*, const EsmsLookup&)>& fn) const;
  // Calls `fn` with the grappe's current state (nullptr if unknown) while no record is being
  // applied, so that what `fn` registers sees every later record and none earlier.
  void with_grappe(const std::string& id,
                   const std::function<void(const domain::GrappeState*)>& fn) const;

 private:
  std::size_t index(std::string_view name) const;
  void bind_typed();  // points grappes_, esms_, users_ at all_'s entries (after a swap)
  void apply_locked(const es::Record& record, const domain::Event* event, bool catching_up);
  void run_waiters_locked(std::vector<std::function<void()>>& ready);
  std::expected<void, std::string> save(es::Store& store, Projection& p, bool everything);
  std::expected<void, std::string> fold_until(es::Store& store, Projection& p, std::uint64_t target,
                                              std::atomic<double>* progress);

  mutable std::shared_mutex mu_;  // the projections and the position
  std::mutex save_mu_;            // one save (flush or rebuild's swap) at a time
  std::array<std::unique_ptr<Projection>, 3> all_;
  GrappesProjection* grappes_ = nullptr;
  EstablishmentsProjection* esms_ = nullptr;
  UsersProjection* users_ = nullptr;
  std::uint64_t position_ = 0;
  std::uint64_t unknown_ = 0;
  std::atomic<std::uint64_t> applied_{0};
  std::array<std::uint64_t, 3> saved_{};  // checkpoint on disk (under save_mu_)
  std::array<bool, 3> replace_{};         // next save rewrites every key (under save_mu_)
  std::array<std::atomic<bool>, 3> rebuilding_{};
  std::array<std::atomic<double>, 3> progress_{};
  std::multimap<std::uint64_t, std::function<void()>> waiters_;
};

}  // namespace grappe::projections
