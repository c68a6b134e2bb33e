// A temporary folder for one test (or one benchmark run), removed with all it holds.
#pragma once

#include <filesystem>
#include <string_view>

namespace grappe::test {

// The folder new TempDirs go in by default: $TEST_TMPDIR if set, else the system's temporary folder
// ($TMPDIR or /tmp).
std::filesystem::path default_temp_parent();

// A fresh, empty folder `<parent>/grappe-<name>-XXXXXX` (mkdtemp: unique across processes),
// removed with everything in it by the destructor. Throws std::runtime_error when it cannot be
// created. Not thread-safe; one owner.
class TempDir {
 public:
  explicit TempDir(std::string_view name = "test",
                   const std::filesystem::path& parent = default_temp_parent());
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path path;
};

}  // namespace grappe::test
