// Private: the grappe list's order, for pages (README "Protocol additions", lists by page). The
// grappes by name then id, as a whole and per facet (status, region, call), holding pointers
// to the GrappesProjection's entries (their nodes never move, and no state is ever erased).
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "grappe/domain/state.h"

namespace grappe::projections {

class GrappeIndex {
 public:
  using Entry = std::pair<const std::string, domain::GrappeState>;
  using Key = std::pair<std::string, std::string>;  // (name, id)
  struct ByNameId {
    using is_transparent = void;
    bool operator()(const Entry* a, const Entry* b) const { return key(a) < key(b); }
    bool operator()(const Entry* a, const Key& b) const {
      return key(a) < std::tie(b.first, b.second);
    }
    bool operator()(const Key& a, const Entry* b) const {
      return std::tie(a.first, a.second) < key(b);
    }
    static std::tuple<const std::string&, const std::string&> key(const Entry* e) {
      return std::tie(e->second.name, e->first);
    }
  };
  using Ordered = std::set<const Entry*, ByNameId>;

  // Facet keys: "status:open", "region:75", "call:default".
  static std::string facet(std::string_view kind, std::string_view value);

  void add(const Entry* e);
  // Call before the entry's name, status, region or call changes (then add() it again).
  void remove(const Entry* e);
  // The status changed from `before` (the name did not): moves the entry between status facets.
  void restatus(const Entry* e, domain::GrappeStatus before);

  const Ordered& all() const { return all_; }
  // The entries having the facet; empty when none.
  const Ordered& with(const std::string& facet) const;

 private:
  Ordered all_;
  std::map<std::string, Ordered, std::less<>> facets_;
};

}  // namespace grappe::projections
