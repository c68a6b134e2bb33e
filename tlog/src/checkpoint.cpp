#include "grappe/tlog/checkpoint.h"

#include <charconv>

namespace grappe::tlog {

std::string checkpoint_text(std::string_view origin, std::uint64_t size, std::string_view root) {
  return std::string(origin) + "\n" + std::to_string(size) + "\n" + base64(root) + "\n";
}

std::expected<Checkpoint, std::string> parse_checkpoint(std::string_view text) {
  Checkpoint c;
  c.text = std::string(text);
  std::string_view lines[3];
  for (auto& line : lines) {
    auto end = text.find('\n');
    if (end == std::string_view::npos) return std::unexpected("a checkpoint has three lines");
    line = text.substr(0, end);
    text.remove_prefix(end + 1);
  }
  if (lines[0].empty()) return std::unexpected("checkpoint without origin");
  c.origin = std::string(lines[0]);
  auto [ptr, ec] = std::from_chars(lines[1].data(), lines[1].data() + lines[1].size(), c.size);
  if (ec != std::errc() || ptr != lines[1].data() + lines[1].size() || lines[1].empty() ||
      (lines[1].size() > 1 && lines[1][0] == '0')) {
    return std::unexpected("checkpoint size is not a decimal number");
  }
  auto root = unbase64(lines[2]);
  if (!root || root->size() != 32) return std::unexpected("checkpoint root is not 32 bytes");
  c.root = std::move(*root);
  return c;
}

std::expected<Checkpoint, std::string> open_checkpoint(std::string_view note,
                                                       const VerifierKey& key) {
  auto text = open_note(note, key);
  if (!text) return std::unexpected(text.error());
  auto c = parse_checkpoint(*text);
  if (!c) return c;
  if (c->origin != key.name) {
    return std::unexpected("checkpoint of log " + c->origin + ", not of " + key.name);
  }
  return c;
}

}  // namespace grappe::tlog
