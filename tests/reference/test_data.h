// The reference tests' files: the FINESS extract sample (data/) and the demo registry.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

namespace grappe::reference::testing {

inline std::string test_data_path(const std::string& name) {
  return std::string(GRAPPE_TEST_DATA_DIR) + "/" + name;
}

inline std::string demo_registry_path() {
  return GRAPPE_DEMO_REGISTRY;
}

// The file's bytes; empty when it cannot be read.
inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace grappe::reference::testing
