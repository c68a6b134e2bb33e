#include <algorithm>

#include "grappe/domain/finess.h"
#include "grappe/domain/internal/text.h"
#include "grappe/domain/registry.h"

namespace grappe::domain {

std::vector<const Establishment*> Registry::search(std::string_view q, std::string_view departement,
                                                   std::string_view category, std::size_t limit,
                                                   std::size_t from) const {
  std::string dep;
  if (!departement.empty()) {
    const Departement* d = find_departement(departement);
    if (!d) return {};
    dep = d->code;
  }
  const auto matches = [&](std::size_t i, const std::vector<std::string>& qwords) {
    const Establishment& e = establishments_[i];
    if (!dep.empty() && e.departement != dep) return false;
    if (!category.empty() && e.category != category) return false;
    return std::all_of(qwords.begin(), qwords.end(), [&](const std::string& w) {
      return haystacks_[i].find(" " + w) != std::string::npos;
    });
  };
  std::vector<const Establishment*> out;
  const auto qwords = internal::words(internal::normalise(q));
  if (qwords.empty()) {
    for (std::size_t i = from; i < establishments_.size() && out.size() < limit; ++i)
      if (matches(i, qwords)) out.push_back(&establishments_[i]);
    return out;
  }
  // The entries of the sorted index whose word begins with `prefix`.
  const auto prefix_range = [this](const std::string& prefix) {
    const auto less = [this](const WordRef& ref, std::string_view w) { return word(ref) < w; };
    const auto first = std::lower_bound(words_.begin(), words_.end(), prefix, less);
    const auto last = std::lower_bound(first, words_.end(), prefix + '\x7f', less);
    return std::pair{first, last};
  };
  // Candidates: the establishments of the query word with the fewest index entries.
  auto best = prefix_range(qwords[0]);
  for (std::size_t k = 1; k < qwords.size(); ++k) {
    auto r = prefix_range(qwords[k]);
    if (r.second - r.first < best.second - best.first) best = r;
  }
  std::vector<std::size_t> candidates;
  candidates.reserve(static_cast<std::size_t>(best.second - best.first));
  for (auto it = best.first; it != best.second; ++it) candidates.push_back(it->establishment);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (auto it = std::lower_bound(candidates.begin(), candidates.end(), from);
       it != candidates.end(); ++it) {
    const std::size_t i = *it;
    if (out.size() >= limit) break;
    if (matches(i, qwords)) out.push_back(&establishments_[i]);
  }
  return out;
}

std::optional<std::size_t> Registry::index_of(std::string_view finess) const {
  const Establishment* e = find(finess);
  if (!e) return std::nullopt;
  return static_cast<std::size_t>(e - establishments_.data());
}

}  // namespace grappe::domain
