// Private: a fast check that bytes are one JSON text (RFC 8259, UTF-8), without building it.
#pragma once

#include <string_view>

namespace grappe::es::detail {

// True when `text` is exactly one JSON value with optional surrounding whitespace, strings are
// valid UTF-8 and nesting is at most 256 deep. Agrees with nlohmann::json::accept (tested).
bool is_json_text(std::string_view text);

}  // namespace grappe::es::detail
