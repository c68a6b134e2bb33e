// grappe/domain/validation.h — the result of checking a grappe's eligibility rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::domain {

enum class Outcome { kPass, kWarn, kFail };
std::string_view to_string(Outcome outcome);  // "pass" | "warn" | "fail"
std::optional<Outcome> parse_outcome(std::string_view text);

struct RuleResult {
  std::string rule;  // "min_size", …
  Outcome outcome = Outcome::kPass;
  std::string detail;               // French, for a gestionnaire
  std::vector<std::string> finess;  // the establishments concerned, if any
  bool operator==(const RuleResult&) const = default;
};

// ValidationCompleted's data.
struct ValidationReport {
  bool eligible = false;  // no rule fails
  int members = 0;        // accepted members
  int threshold = 0;
  std::string registry;  // Registry::label() at validation time
  std::vector<RuleResult> rules;
  bool operator==(const ValidationReport&) const = default;
};

}  // namespace grappe::domain
