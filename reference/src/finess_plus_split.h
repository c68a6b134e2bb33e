// Private: the first half of read_finess_plus(). Walks the outline of a FINESS+ « structures »
// text — the top object, its `pmej` array, each EJ object and its `ege` array — with JsonScan,
// and cuts it into one RawEj per element of `pmej`: the EJ's own fields and each of its ET as raw
// JSON text, with their offsets, for parse_ej() to parse and map on any thread. `gco`, `gcc`,
// unknown top-level fields and the EJ fields the registry does not use are skipped uncopied.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text_stream.h"

namespace grappe::reference::internal {

// Bytes of white space after a RawEj's last item, so that a parser may read ahead (simdjson's
// SIMDJSON_PADDING, checked where it is used).
inline constexpr std::size_t kRawPadding = 64;

// One record's text beyond this is not a FINESS record (the largest ET of a national file, with
// its 150 addresses, is a few hundred KB): it is skipped uncopied. An EJ's records together stay
// within kMaxEjBytes and kMaxEjRecords (beyond, its further ET are skipped), and its remarks
// within kMaxEjItems (beyond, they are counted in one): one EJ held at a time stays bounded
// whatever the file.
inline constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{4} << 20;
inline constexpr std::uint64_t kMaxEjBytes = std::uint64_t{64} << 20;
inline constexpr std::size_t kMaxEjItems = 10'000;
inline constexpr std::size_t kMaxEjRecords = 100'000;
// Keys and the header's strings beyond this are not FINESS+.
inline constexpr std::uint64_t kMaxKeyBytes = 4096;

struct RawItem {
  enum class Kind : std::uint8_t {
    kField,   // one of the EJ's fields: `key` (normalised) and its value's text
    kEt,      // one ET of `ege`: its object's text
    kSkip,    // a record left out (`key`: why), counted as skipped
    kRemark,  // a remark (`key`) on the EJ, which is kept
  };
  Kind kind;
  std::uint64_t offset;  // in the text: the value's first byte
  std::string key;
  std::size_t begin = 0, end = 0;  // the value's text in RawEj::text
  std::size_t count = 1;           // kSkip: records left out (several when summed up)
};

struct RawEj {
  bool ej = true;        // false: an element of `pmej` that is not an object (one kSkip item)
  std::uint64_t offset;  // of its `{`
  std::string text;      // the items' texts one after the other, then kRawPadding spaces
  std::vector<RawItem> items;
  std::string_view item_text(const RawItem& item) const {
    return std::string_view(text).substr(item.begin, item.end - item.begin);
  }
};

struct SplitHeader {
  std::string schema_version, generated_at;
  bool saw_pmej = false;
};

// "informationsGeneralesPMEJ", "pm_smsseId" → "informationsgeneralespmej", "pmsmsseid".
void normalise_key(std::string_view key, std::string& out);

// Reads the whole text, handing each element of `pmej` to `emit` in order (false stops the read
// early, with no error). Returns why the text is not a readable FINESS+ « structures » file, in
// French, or "" (then `header` is filled).
std::string split_finess_plus(TextStreamBuf& text, SplitHeader& header,
                              const std::function<bool(RawEj&&)>& emit);

}  // namespace grappe::reference::internal
