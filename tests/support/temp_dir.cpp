#include "support/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace grappe::test {

namespace fs = std::filesystem;

namespace {

fs::path make_unique_folder(std::string_view name, const fs::path& parent) {
  std::string tmpl = (parent / ("grappe-" + std::string(name) + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) {
    throw std::runtime_error("cannot create a folder in " + parent.string() + ": " +
                             std::strerror(errno));
  }
  return tmpl;
}

}  // namespace

fs::path default_temp_parent() {
  const char* dir = std::getenv("TEST_TMPDIR");
  if (dir && *dir) return dir;
  return fs::temp_directory_path();
}

TempDir::TempDir(std::string_view name, const fs::path& parent)
    : path(make_unique_folder(name, parent)) {}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace grappe::test
