#include "grappe/reference/coordinates.h"

#include <proj.h>

#include <charconv>
#include <cmath>
#include <map>
#include <string>

namespace grappe::reference {

std::optional<int> epsg_in_source(std::string_view source) {
  const auto at = source.find("EPSG:");
  if (at == std::string_view::npos) return std::nullopt;
  const char* begin = source.data() + at + 5;
  const char* end = source.data() + source.size();
  int code = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, code);
  if (ec != std::errc() || ptr == begin || code <= 0) return std::nullopt;
  return code;
}

struct CoordinateConverter::Impl {
  PJ_CONTEXT* context = proj_context_create();
  std::map<int, PJ*> transforms;  // nullptr: PROJ could not build it; not tried again

  ~Impl() {
    for (auto& [code, pj] : transforms)
      if (pj) proj_destroy(pj);
    proj_context_destroy(context);
  }

  PJ* transform(int epsg) {
    if (auto it = transforms.find(epsg); it != transforms.end()) return it->second;
    // Messages about unknown codes go to PROJ's logger otherwise; the caller reports the row.
    proj_log_level(context, PJ_LOG_NONE);
    const std::string source = "EPSG:" + std::to_string(epsg);
    PJ* raw = proj_create_crs_to_crs(context, source.c_str(), "EPSG:4326", nullptr);
    PJ* normalised = nullptr;
    if (raw) {
      // EPSG:4326 is latitude first; normalised, PROJ answers (longitude, latitude).
      normalised = proj_normalize_for_visualization(context, raw);
      proj_destroy(raw);
    }
    transforms.emplace(epsg, normalised);
    return normalised;
  }
};

CoordinateConverter::CoordinateConverter() : impl_(std::make_unique<Impl>()) {}
CoordinateConverter::~CoordinateConverter() = default;

std::optional<domain::GeoPoint> CoordinateConverter::to_wgs84(int epsg, double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
  PJ* pj = impl_->transform(epsg);
  if (!pj) return std::nullopt;
  const PJ_COORD out = proj_trans(pj, PJ_FWD, proj_coord(x, y, 0, 0));
  const double lon = out.lp.lam, lat = out.lp.phi;
  if (!std::isfinite(lat) || !std::isfinite(lon) || std::abs(lat) > 90 || std::abs(lon) > 180)
    return std::nullopt;
  return domain::GeoPoint{lat, lon};
}

}  // namespace grappe::reference
