// Fresh ids for grappes and commands.
#pragma once

#include <string>

namespace grappe::test {

// A random UUID-shaped id (version 4 layout, not cryptographic). Thread-safe.
std::string new_id();

}  // namespace grappe::test
