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
  // Below the threshold or the organisations minimum: warn (ARS review) instead of fail.
  bool small_projects_reviewed = false;
  // Distinct organisations (FINESS EJ) the accepted members must belong to, unless one of them
  // alone reaches the threshold (PROTOCOL.md v2 "Registry", rule min_organisations).
  int min_organisations = 3;
  int min_organisations_overseas_corsica = 2;
  // More accepted members fail the rule max_size; nullopt: no limit.
  std::optional<int> max_members;

  bool open_in(std::string_view region) const;
  // The threshold that applies to a grappe instructed in `region`.
  int threshold_for(std::string_view region) const;
  // The organisations minimum that applies to a grappe instructed in `region` (overseas and
  // Corsica as threshold_for() tells them).
  int min_organisations_for(std::string_view region) const;
};

struct CallConfig {
  std::vector<Call> calls;

  // One call "default", every region, thresholds 15 and 8.
  static CallConfig builtin();
  // {"calls":[{"id","label","regions":[…]|"*","threshold","thresholdOverseasCorsica",
  //  "deadline"?,"smallProjectsReviewed"?,"minOrganisations"?,"minOrganisationsOverseasCorsica"?,
  //  "maxMembers"?}]}: ids unique and 1–64 of [A-Za-z0-9._-], thresholds and organisation minima
  // 1–10000 (defaults 15, 8, 3, 2), regions known, deadline "YYYY-MM-DD" or RFC 3339 UTC,
  // maxMembers (absent or null: no limit) 1–10000 and not below the threshold of any region the
  // call is open in. The error says which field.
  static std::expected<CallConfig, std::string> parse(const nlohmann::json& json);

  const Call* find(std::string_view id) const;
};

}  // namespace grappe::domain
