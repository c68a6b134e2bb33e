// Cursors of the paginated lists (GET /api/grappes, GET /api/establishments; README "Protocol
// additions"): opaque to clients, they name where the last page ended. The text is the hex of a
// JSON array of strings, so it needs no escaping in a URL and reads back only as what was made.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::server {

std::string encode_cursor(const std::vector<std::string>& parts);
// The parts of a cursor made by encode_cursor with `count` parts; nullopt for anything else
// (not hex, not such an array, over 4 KiB).
std::optional<std::vector<std::string>> decode_cursor(std::string_view text, std::size_t count);

}  // namespace grappe::server
