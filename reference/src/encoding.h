// Private: file encodings of the registry readers.
#pragma once

#include <string>
#include <string_view>

namespace grappe::reference::internal {

// Windows-1252 (a superset of ISO-8859-1's printable range) to UTF-8.
std::string cp1252_to_utf8(std::string_view text);

}  // namespace grappe::reference::internal
