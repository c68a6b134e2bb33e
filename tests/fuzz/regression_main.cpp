// fuzz_regression_tests TARGET DIR…: feeds every file of each DIR (missing ones are skipped) to
// the fuzz target TARGET, as libFuzzer would replay them; exits 1 when TARGET is unknown or no
// input was found. A property that fails aborts the program (fuzz_target.h), after naming the
// input on standard error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace grappe::fuzz {
namespace {

std::map<std::string, TargetFn>& targets() {
  static std::map<std::string, TargetFn> table;
  return table;
}

std::vector<std::filesystem::path> inputs_of(const std::vector<std::filesystem::path>& dirs) {
  std::vector<std::filesystem::path> files;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.is_regular_file() && !entry.path().filename().string().starts_with("."))
        files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

bool register_target(const char* name, TargetFn fn) {
  targets().emplace(name, fn);
  return true;
}

}  // namespace grappe::fuzz

int main(int argc, char** argv) {
  using namespace grappe::fuzz;
  if (argc < 3 || !targets().contains(argv[1])) {
    std::fprintf(stderr, "usage: %s TARGET DIR…; targets:", argv[0]);
    for (const auto& [name, fn] : targets()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 1;
  }
  TargetFn fn = targets().at(argv[1]);
  auto files = inputs_of({argv + 2, argv + argc});
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "%s\n", file.c_str());
    // Copied into a buffer of its own size, so that ASan sees a read past the end.
    std::vector<std::uint8_t> buffer(bytes.begin(), bytes.end());
    fn(buffer.data(), buffer.size());
  }
  std::printf("%s: %zu inputs, all passed\n", argv[1], files.size());
  return files.empty() ? 1 : 0;
}
