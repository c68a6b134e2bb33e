// Private: the SAX handler behind read_finess_plus(). It walks the file's outline — the top
// object, its `pmej` array, each EJ object and its `ege` array — without building it; captures
// each EJ's own fields and each ET as a small DOM (JsonCapture), maps them (map_ej, map_et) and
// drops them. `gco`, `gcc` and unknown top-level fields are skipped unbuilt. One use, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/reference/finess_plus.h"
#include "json_capture.h"
#include "text_stream.h"

namespace grappe::reference::internal {

class FinessPlusReader {
 public:
  using json = nlohmann::json;
  FinessPlusReader(const TextStreamBuf& text, std::string_view source,
                   std::vector<std::string>* warnings);

  // nlohmann::json::sax_parse's interface; false stops the parse (the error is kept). A scalar
  // is built as a json value only when it is kept.
  bool null() { return drops_scalar() || scalar(json()); }
  bool boolean(bool v) { return drops_scalar() || scalar(json(v)); }
  bool number_integer(json::number_integer_t v) { return drops_scalar() || scalar(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return drops_scalar() || scalar(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) {
    return drops_scalar() || scalar(json(v));
  }
  bool string(std::string& v) { return drops_scalar() || scalar(json(std::move(v))); }
  bool binary(json::binary_t&) { return drops_scalar() || scalar(json()); }
  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k);
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e);

  // The file read, or why it is not a FINESS+ file; call once, after sax_parse returned.
  std::expected<FinessPlusFile, std::string> finish();

 private:
  enum class Frame { kTop, kPmej, kEj, kEge };
  struct PendingEt {  // an ET mapped, waiting for the end of its EJ
    domain::Establishment e;
    std::uint64_t offset;
  };

  bool drops_scalar() { return skip_ > 0 || (capture_.active() && capture_.drops_scalar()); }
  bool scalar(json v);
  bool open(bool object);
  bool close();
  bool place_container(bool object, std::uint64_t offset);
  bool place_scalar(json v);
  void captured();
  void finish_ej();
  bool fail(std::string reason);
  void warn(std::uint64_t offset, std::string_view what);
  void skip_record(std::uint64_t offset, std::string_view why);

  const TextStreamBuf& text_;
  std::string source_name_;
  std::vector<std::string>* warnings_;
  FinessPlusFile file_;
  std::string error_;
  std::vector<Frame> frames_;
  std::string key_;       // normalised key of the next value in the current object
  std::size_t skip_ = 0;  // open containers of a value being skipped
  JsonCapture capture_;   // active while an EJ field or an ET is being built
  bool capturing_et_ = false;
  std::uint64_t capture_offset_ = 0;
  json ej_, et_;  // the EJ's fields so far; the ET being built
  std::uint64_t ej_offset_ = 0;
  std::vector<PendingEt> pending_;  // the current EJ's ETs
  std::vector<std::string> notes_;
  std::map<std::string, std::size_t> unlabelled_;  // category code → ET without a label
  bool saw_top_ = false, saw_pmej_ = false;
};

}  // namespace grappe::reference::internal
