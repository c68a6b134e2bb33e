// Private: small helpers with no RocksDB in them.
#pragma once

#include <string>
#include <string_view>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

// A random (version 4) UUID in its 36-character text form. Thread-safe.
std::string new_uuid();

// nullopt when `request` is well formed, else why not (kInvalidArgument).
std::optional<StoreError> check_request(const AppendRequest& request);

StoreError make_error(StoreErrc code, std::string message);

}  // namespace grappe::es::detail
