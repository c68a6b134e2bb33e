// grappe/domain/geo.h — where establishments are: WGS84 positions and the distances between
// them. The registry readers (grappe::reference) convert the FINESS extract's projected
// coordinates to these positions at load. Everything here is safe to call from any thread.
#pragma once

namespace grappe::domain {

struct GeoPoint {
  double lat = 0;  // degrees, WGS84 (EPSG:4326)
  double lon = 0;
  bool operator==(const GeoPoint&) const = default;
};

// Great-circle distance in kilometres (spherical Earth, radius 6371 km): plenty for ranking
// partners by proximity, which is all it serves.
double distance_km(const GeoPoint& a, const GeoPoint& b);

}  // namespace grappe::domain
