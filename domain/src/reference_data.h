// The reference CSV files embedded at build time (see domain/CMakeLists.txt).
#pragma once

#include <string_view>

namespace grappe::domain::internal {

std::string_view regions_csv();
std::string_view categories_csv();
std::string_view nomenclature_csv();  // FINESS category codes and labels, `;`-separated, `#` notes

}  // namespace grappe::domain::internal
