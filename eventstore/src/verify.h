// Private: recomputation of the hash chain.
#pragma once

#include <functional>

#include "grappe/eventstore/store.h"

namespace grappe::es::detail {

class Db;

// Checks, on one snapshot, that positions run 1..N without a hole, that every record decodes,
// carries its key's position and its chained hash, and that the recorded head matches.
VerifyResult verify_log(Db& db, const std::function<void(std::uint64_t)>& progress);

}  // namespace grappe::es::detail
