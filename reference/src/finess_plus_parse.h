// Private: the second half of read_finess_plus(). Parses one RawEj's texts with simdjson (each
// field and each ET wholly validated), builds of each only the fields the mapping reads, with
// their keys normalised, as small nlohmann values, and maps them (map_ej, map_et, then
// domain::check_establishment). Pure: one EjParser per thread, any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "finess_plus_records.h"
#include "finess_plus_split.h"

namespace grappe::reference::internal {

struct EjResult {
  std::string error;  // the record is not JSON: the whole file is refused with this
  // offset, what: an EJ's remarks after its ET's, as the EJ is judged once read
  std::vector<std::pair<std::uint64_t, std::string>> warnings;
  std::size_t skipped = 0;  // records left out
  bool has_ej = false;      // `ej` was read (else the EJ and its ETs were skipped)
  EjRecord ej;
  std::vector<domain::Establishment> establishments;  // the EJ's ETs that passed every check
};

class EjParser {
 public:
  EjParser();
  ~EjParser();
  EjParser(const EjParser&) = delete;
  EjParser& operator=(const EjParser&) = delete;

  EjResult parse(const RawEj& raw);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grappe::reference::internal
