// Fuzz targets: one LLVMFuzzerTestOneInput per file of targets/, written once for two builds.
//
// - libFuzzer (tools/fuzz, clang, GRAPPE_LIBFUZZER defined): each target file is linked alone
//   into its own fuzzer; GRAPPE_FUZZ_TARGET(name) is LLVMFuzzerTestOneInput.
// - Regression (the normal build, fuzz_regression_tests): every target file is linked into one
//   program; GRAPPE_FUZZ_TARGET(name) defines a function registered under `name`, which
//   regression_main.cpp feeds every file of tests/fuzz/corpus/<name>/ and regressions/<name>/.
//
// A target returns 0, or -1 for an input it does not want in the corpus. A property that does not
// hold is reported with GRAPPE_FUZZ_CHECK, which aborts: a crash for libFuzzer, a failed test here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace grappe::fuzz {

using TargetFn = int (*)(const std::uint8_t* data, std::size_t size);

// Regression build only: adds `fn` to the table regression_main.cpp runs; returns true.
bool register_target(const char* name, TargetFn fn);

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace grappe::fuzz

#define GRAPPE_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::grappe::fuzz::check_failed(#cond, __FILE__, __LINE__))

#ifdef GRAPPE_LIBFUZZER
#define GRAPPE_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#else
#define GRAPPE_FUZZ_TARGET(name)                                             \
  static int grappe_fuzz_##name(const std::uint8_t* data, std::size_t size); \
  [[maybe_unused]] static const bool grappe_fuzz_registered_##name =         \
      ::grappe::fuzz::register_target(#name, grappe_fuzz_##name);            \
  static int grappe_fuzz_##name(const std::uint8_t* data, std::size_t size)
#endif
