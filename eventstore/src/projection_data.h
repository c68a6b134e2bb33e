// Private: read-model data in the `projections` column family (keys, values, checkpoints).
//
// Layout: data key = name ␀ key, checkpoint key = name \x01 → u64be position ‖ info. Names use
// only [a-z0-9_.-], so a projection's data is exactly the range [name ␀, name \x01) and no other
// projection's key falls inside it.
#pragma once

#include <expected>
#include <optional>
#include <string_view>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

class Db;

// nullopt when `name` is a valid projection name, else kInvalidArgument saying why.
std::optional<StoreError> check_projection_name(std::string_view name);

std::expected<void, StoreError> write_projection(Db& db, const ProjectionWrite& write);
std::expected<std::optional<ProjectionCheckpoint>, StoreError> load_projection(
    Db& db, std::string_view projection, const ProjectionVisitor& fn);
std::expected<std::optional<ProjectionCheckpoint>, StoreError> projection_checkpoint(
    Db& db, std::string_view projection);
std::expected<void, StoreError> drop_projection(Db& db, std::string_view projection);

}  // namespace grappe::es::detail
