// Distances between establishments' positions (their conversion from the FINESS extract's
// projections is tested in tests/reference).
#include "grappe/domain/geo.h"

#include <gtest/gtest.h>

namespace grappe::domain {
namespace {

TEST(Geo, DistanceBetweenParisAndLyon) {
  const GeoPoint paris{48.8566, 2.3522}, lyon{45.7640, 4.8357};
  EXPECT_NEAR(distance_km(paris, lyon), 392, 3);
  EXPECT_DOUBLE_EQ(distance_km(paris, paris), 0);
}

}  // namespace
}  // namespace grappe::domain
