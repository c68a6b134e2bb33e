// grappe/tlog/checkpoint.h — C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the text
// "<origin>\n<size>\n<base64 root>\n" (extension lines may follow), signed as a note.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "grappe/tlog/note.h"

namespace grappe::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  std::string root;  // raw 32 bytes
  std::string text;  // the note's text, as signed
};

std::string checkpoint_text(std::string_view origin, std::uint64_t size, std::string_view root);
std::expected<Checkpoint, std::string> parse_checkpoint(std::string_view text);
// Opens a signed checkpoint with the log's key: the signature and the origin (= the key's name)
// must match. The error says what is wrong, for a person.
std::expected<Checkpoint, std::string> open_checkpoint(std::string_view note,
                                                       const VerifierKey& key);

}  // namespace grappe::tlog
