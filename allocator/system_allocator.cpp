// The allocator of sanitized builds (GRAPPE_SANITIZE): the system's malloc, which AddressSanitizer
// and ThreadSanitizer intercept. jemalloc_conf.cpp is the one linked otherwise.

#include "allocator.h"

namespace grappe {

std::string allocator_description() {
  return "system malloc (sanitized build, jemalloc not linked)";
}

}  // namespace grappe
