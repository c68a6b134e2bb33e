// grappe/reference/coordinates.h — the conversion of the FINESS extract's projected coordinates
// (Lambert-93, the overseas UTM projections) to WGS84 positions, done once, at registry load,
// with PROJ. epsg_in_source() is safe to call from any thread; a CoordinateConverter is used by
// one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "grappe/domain/geo.h"

namespace grappe::reference {

// The EPSG code named in a FINESS `sourcecoordet` field ("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 /
// Lambert-93 (Métropole)" → 2154); nullopt when it names none.
std::optional<int> epsg_in_source(std::string_view sourcecoordet);

// Converts projected coordinates to WGS84 through PROJ (libproj, its EPSG database from
// proj-data). One PROJ transformation per source CRS, created on first use and kept.
class CoordinateConverter {
 public:
  CoordinateConverter();
  ~CoordinateConverter();
  CoordinateConverter(const CoordinateConverter&) = delete;
  CoordinateConverter& operator=(const CoordinateConverter&) = delete;

  // `x` (easting) and `y` (northing) in metres in the CRS EPSG:`epsg`. nullopt when PROJ does
  // not know the CRS, the transformation fails, or the result is not a position on Earth.
  std::optional<domain::GeoPoint> to_wgs84(int epsg, double x, double y);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grappe::reference
