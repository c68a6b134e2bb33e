// The server's read models, folded from the whole log ($all): grappe states, the establishment
// → memberships index (each esms-<finess> stream's state) and the user directory.
//
// One thread (the Projector's) applies records; any thread reads. Readers get copies.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/domain/state.h"
#include "grappe/domain/user.h"
#include "grappe/domain/user_directory.h"
#include "grappe/eventstore/record.h"

namespace grappe::server {

struct GrappeFilter {
  std::string call, region, status;
};

// What the domain's folds need of a stored record besides its data.
domain::EventMeta event_meta(const es::Record& record);

class ReadModels {
 public:
  // What applying one record changed, for the caller to publish.
  struct Applied {
    std::optional<std::string> grappe;   // set when the record belongs to a grappe stream
    std::optional<domain::Event> event;  // the decoded event (nullopt if unknown type)
  };

  // Applies the record at position last_position()+1. Records of unknown types are counted and
  // skipped (the log is the truth; an older server may meet a newer event).
  Applied apply(const es::Record& record);

  std::uint64_t position() const;

  std::optional<domain::GrappeState> grappe(const std::string& id) const;
  // Every grappe the predicate accepts, sorted by name then id.
  std::vector<domain::GrappeState> grappes(
      const std::function<bool(const domain::GrappeState&)>& keep) const;
  domain::EsmsState esms(const std::string& finess) const;
  std::optional<domain::User> user_by_token_hash(const std::string& token_sha256) const;
  std::optional<domain::User> user(const std::string& id) const;
  std::vector<domain::User> users() const;
  // Calls `fn` with the grappe's current state (nullptr if unknown) while no record is being
  // applied, so that what `fn` registers sees every later record and none earlier.
  void with_grappe(const std::string& id,
                   const std::function<void(const domain::GrappeState*)>& fn) const;

  // Runs `fn` (on the applying thread, or at once on the caller's) when position >= `pos`.
  void when_applied(std::uint64_t pos, std::function<void()> fn);

  std::uint64_t unknown_events() const;

 private:
  void run_waiters_locked(std::vector<std::function<void()>>& ready);

  mutable std::shared_mutex mu_;
  std::uint64_t position_ = 0;
  std::uint64_t unknown_ = 0;
  std::unordered_map<std::string, domain::GrappeState> grappes_;
  std::unordered_map<std::string, domain::EsmsState> esms_;
  domain::UserDirectory users_;
  std::multimap<std::uint64_t, std::function<void()>> waiters_;
};

}  // namespace grappe::server
