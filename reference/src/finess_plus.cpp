#include "grappe/reference/finess_plus.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "finess_plus_reader.h"
#include "text_stream.h"

namespace grappe::reference {

bool looks_like_json_or_gzip(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b)
    return true;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const auto first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (head[first] == '{' || head[first] == '[');
}

std::expected<FinessPlusFile, std::string> read_finess_plus(std::istream& in,
                                                            std::string_view source,
                                                            std::vector<std::string>* warnings,
                                                            std::uint64_t max_text) {
  internal::TextStreamBuf text(in, max_text);
  std::istream stream(&text);
  internal::FinessPlusReader reader(text, source, warnings);
  // strict: nothing may follow the top-level object; the reader keeps why a parse stopped.
  nlohmann::json::sax_parse(stream, &reader, nlohmann::json::input_format_t::json, true);
  return reader.finish();
}

std::expected<FinessPlusFile, std::string> read_finess_plus_file(
    const std::filesystem::path& path, std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + " : fichier illisible");
  return read_finess_plus(in, path.string(), warnings);
}

}  // namespace grappe::reference
