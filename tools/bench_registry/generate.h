// bench-registry: a national-size FINESS+ "structures" file, its records copied from the real
// sample's shapes (reference/data/finess-plus/): every EJ and ET keeps all the fields, nested
// arrays and nulls of a real record; FINESS numbers (with valid keys), names, categories,
// communes and positions are made up, spread over metropolitan départements.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace grappe::bench {

struct GeneratedFile {
  std::size_t organisations = 0, establishments = 0, closed = 0;
  std::uint64_t text_bytes = 0;  // JSON text before compression
};

// Writes `out` (gzip) with `organisations` EJ holding `establishments` ET in all, from the
// records of `sample` (a FINESS+ file, gzip or not). Throws std::runtime_error.
GeneratedFile generate_finess_plus(const std::filesystem::path& sample,
                                   const std::filesystem::path& out, std::size_t organisations,
                                   std::size_t establishments);

}  // namespace grappe::bench
