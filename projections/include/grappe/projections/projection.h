// grappe/projections/projection.h — one read model: a fold of the log kept in memory, saved to
// the store's projection storage with its checkpoint (the last position it reflects).
//
// Not thread-safe by itself: ReadModels serialises every call.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "grappe/domain/events.h"
#include "grappe/eventstore/record.h"
#include "grappe/eventstore/store.h"

namespace grappe::projections {

// What the domain's folds need of a stored record besides its data.
domain::EventMeta event_meta(const es::Record& record);

class Projection {
 public:
  virtual ~Projection() = default;

  // "grappes", "establishments", "users": the name in the admin API and on disk.
  virtual std::string_view name() const = 0;
  // Changes whenever the fold or the stored shape changes. A projection stored by another code
  // version is rebuilt from the log at start.
  virtual std::string_view code_version() const = 0;
  // A new, empty projection of the same kind (for rebuilds beside the live one).
  virtual std::unique_ptr<Projection> empty_copy() const = 0;

  // Whether records of `stream` change this projection (others only advance its position).
  virtual bool wants(std::string_view stream) const = 0;
  // Folds one record of a known event type (records are decoded once, by ReadModels).
  virtual void apply(const es::Record& record, const domain::Event& event) = 0;
  // Reads back one key written by collect().
  virtual std::expected<void, std::string> load(std::string_view key, std::string_view value) = 0;
  // Adds to `write` every key changed since the last collect() (or every key), then forgets the
  // changes. The caller sets the checkpoint.
  virtual void collect(es::ProjectionWrite& write, bool everything) = 0;
  virtual std::size_t changed() const = 0;  // keys waiting for collect()
  virtual std::size_t size() const = 0;     // keys in all

  std::uint64_t position = 0;  // last log position applied (every record advances it)
};

// Values are stored as CBOR of a JSON document: compact and quick to read back at start.
std::string encode_value(const nlohmann::json& json);
std::expected<nlohmann::json, std::string> decode_value(std::string_view bytes);

}  // namespace grappe::projections
