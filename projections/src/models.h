// Private: the three read models of the server.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "grappe/domain/state.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/user_directory.h"
#include "grappe/projections/projection.h"
#include "grappe_index.h"

namespace grappe::projections {

// The record's event; nullopt for an unknown type or unreadable data.
std::optional<domain::Event> decode_record(const es::Record& record);

// Grappe states by id (stream grappe-<id>); the grappe list is a filter over it.
class GrappesProjection final : public Projection {
 public:
  bool wants(std::string_view stream) const override {
    return domain::stream_kind(stream) == domain::StreamKind::kGrappe;
  }
  std::string_view name() const override { return "grappes"; }
  std::string_view code_version() const override { return "grappes/2"; }
  std::unique_ptr<Projection> empty_copy() const override;
  void apply(const es::Record& record, const domain::Event& event) override;
  std::expected<void, std::string> load(std::string_view key, std::string_view value) override;
  void collect(es::ProjectionWrite& write, bool everything) override;
  std::size_t changed() const override { return changed_.size(); }
  std::size_t size() const override { return states.size(); }

  std::unordered_map<std::string, domain::GrappeState> states;
  // The states in list order, whole and by facet: a page of the list is a walk from a cursor.
  GrappeIndex index;

 private:
  // Entries of `states` (their nodes never move, and no state is ever erased).
  std::unordered_set<const decltype(states)::value_type*> changed_;
};

// Establishment → memberships and profile (stream esms-<finess>).
class EstablishmentsProjection final : public Projection {
 public:
  bool wants(std::string_view stream) const override {
    return domain::stream_kind(stream) == domain::StreamKind::kEsms;
  }
  std::string_view name() const override { return "establishments"; }
  std::string_view code_version() const override { return "establishments/2"; }
  std::unique_ptr<Projection> empty_copy() const override;
  void apply(const es::Record& record, const domain::Event& event) override;
  std::expected<void, std::string> load(std::string_view key, std::string_view value) override;
  void collect(es::ProjectionWrite& write, bool everything) override;
  std::size_t changed() const override { return changed_.size(); }
  std::size_t size() const override { return states.size(); }

  std::unordered_map<std::string, domain::EsmsState> states;

 private:
  std::unordered_set<const decltype(states)::value_type*> changed_;  // entries, as above
};

// The user directory (stream users). Key "" holds the stream version; others one user each.
class UsersProjection final : public Projection {
 public:
  bool wants(std::string_view stream) const override {
    return domain::stream_kind(stream) == domain::StreamKind::kUsers;
  }
  std::string_view name() const override { return "users"; }
  std::string_view code_version() const override { return "users/1"; }
  std::unique_ptr<Projection> empty_copy() const override;
  void apply(const es::Record& record, const domain::Event& event) override;
  std::expected<void, std::string> load(std::string_view key, std::string_view value) override;
  void collect(es::ProjectionWrite& write, bool everything) override;
  std::size_t changed() const override { return changed_.size(); }
  std::size_t size() const override { return directory.users.size(); }

  domain::UserDirectory directory;

 private:
  std::unordered_set<std::string> changed_;  // user ids (a missing user is deleted)
};

}  // namespace grappe::projections
