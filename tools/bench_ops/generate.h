// bench-ops: a synthetic but realistic log, written through the event store's public API.
#pragma once

#include <cstdint>
#include <filesystem>

namespace grappe::bench {

struct GenerateOptions {
  std::uint64_t events = 1'000'000;  // exactly this many
  int grappes = 5'000;
};

// Creates a store in `dir` holding exactly `options.events` domain events over
// `options.grappes` grappes, interleaved as a live server would write them: creations,
// invitations, acceptances (with their esms-<finess> MembershipRecorded), declines, removals,
// comments, validations, submissions. Throws std::runtime_error on failure.
void generate_log(const std::filesystem::path& dir, const GenerateOptions& options);

}  // namespace grappe::bench
