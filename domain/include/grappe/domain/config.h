// grappe/domain/config.h — the calls for projects (appels à projets) and their thresholds, from
// PROTOCOL.md's `--config` JSON. Immutable once parsed.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain {

struct Call {
  std::string id, label;
  std::vector<std::string> regions;  // INSEE region codes; empty = every region ("*")
  int threshold = 15;
  int threshold_overseas_corsica = 8;
  // Normalised "YYYY-MM-DDTHH:MM:SS.mmmZ"; a date-only deadline means the end of that day (UTC).
  std::optional<std::string> deadline;
  bool small_projects_reviewed = false;  // below threshold: warn (ARS review) instead of fail

  bool open_in(std::string_view region) const;
  // The threshold that applies to a grappe instructed in `region`.
  int threshold_for(std::string_view region) const;
};

struct CallConfig {
  std::vector<Call> calls;

  // One call "default", every region, thresholds 15 and 8.
  static CallConfig builtin();
  // {"calls":[{"id","label","regions":[…]|"*","threshold","thresholdOverseasCorsica",
  //  "deadline"?,"smallProjectsReviewed"?}]}: ids unique and 1–64 of [A-Za-z0-9._-], thresholds
  // 1–10000, regions known, deadline "YYYY-MM-DD" or RFC 3339 UTC. The error says which field.
  static std::expected<CallConfig, std::string> parse(const nlohmann::json& json);

  const Call* find(std::string_view id) const;
};

}  // namespace grappe::domain
