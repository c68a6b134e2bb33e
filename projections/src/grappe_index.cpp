#include "grappe_index.h"

namespace grappe::projections {

namespace {

const GrappeIndex::Ordered kNone;

}  // namespace

std::string GrappeIndex::facet(std::string_view kind, std::string_view value) {
  std::string out(kind);
  out += ':';
  out += value;
  return out;
}

void GrappeIndex::add(const Entry* e) {
  const auto& s = e->second;
  all_.insert(e);
  facets_[facet("status", domain::to_string(s.status))].insert(e);
  facets_[facet("region", s.region)].insert(e);
  facets_[facet("call", s.call)].insert(e);
}

void GrappeIndex::remove(const Entry* e) {
  const auto& s = e->second;
  all_.erase(e);
  for (auto key : {facet("status", domain::to_string(s.status)), facet("region", s.region),
                   facet("call", s.call)}) {
    if (auto it = facets_.find(key); it != facets_.end()) it->second.erase(e);
  }
}

void GrappeIndex::restatus(const Entry* e, domain::GrappeStatus before) {
  if (auto it = facets_.find(facet("status", domain::to_string(before))); it != facets_.end())
    it->second.erase(e);
  facets_[facet("status", domain::to_string(e->second.status))].insert(e);
}

const GrappeIndex::Ordered& GrappeIndex::with(const std::string& key) const {
  auto it = facets_.find(key);
  return it == facets_.end() ? kNone : it->second;
}

}  // namespace grappe::projections
