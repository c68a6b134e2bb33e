// grappe/tlog/receipt.h — checking a receipt (PROTOCOL.md v2, `GET /api/grappes/{id}/receipt`)
// without trusting the server: the checkpoint's signature by the log's key, the record's leaf
// hash, its inclusion proof in that checkpoint's tree, and that the event shown is the event in
// the record's canonical bytes.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "grappe/tlog/note.h"

namespace grappe::tlog {

struct ReceiptCheck {
  bool ok = false;
  std::string message;  // why not, or what was proven, for a person
  std::string grappe;
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  std::uint64_t size = 0;  // of the checkpoint's tree
  std::string type;        // the event's
};

ReceiptCheck check_receipt(const nlohmann::json& receipt, const VerifierKey& key);

}  // namespace grappe::tlog
