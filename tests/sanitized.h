// Test support for sanitized builds (tools/test --sanitize): a report printed by a process that a
// test spawned (grappe-server, grappe-admin) fails the test, even when the test expected that
// process to fail and checks only its exit status.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

namespace grappe::test {

// True in the build folders of tools/test --sanitize.
#ifdef GRAPPE_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// Fails the current test when `output` (a child's standard error) holds a sanitizer report.
inline void expect_no_sanitizer_report(std::string_view output, std::string_view who) {
  if (!kSanitized) return;
  for (std::string_view mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                "WARNING: ThreadSanitizer", "runtime error:"}) {
    if (output.find(mark) != std::string_view::npos) {
      ADD_FAILURE() << who << " printed a sanitizer report:\n" << output;
      return;
    }
  }
}

}  // namespace grappe::test
