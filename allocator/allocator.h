// grappe/allocator.h — what the process allocates with (for its start-up log line).
#pragma once

#include <string>

namespace grappe {

// "jemalloc 5.3.0-… (huge pages: always, arenas: 2)".
std::string allocator_description();

}  // namespace grappe
