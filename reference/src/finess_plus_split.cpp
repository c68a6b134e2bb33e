#include "finess_plus_split.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "finess_plus_records.h"
#include "json_scan.h"

namespace grappe::reference::internal {

void normalise_key(std::string_view key, std::string& out) {
  out.resize(key.size());
  std::size_t n = 0;
  for (char c : key) {
    if (c == '_' || c == '-') continue;
    out[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out.resize(n);
}

namespace {

class Splitter {
 public:
  Splitter(TextStreamBuf& text, SplitHeader& header, const std::function<bool(RawEj&&)>& emit)
      : text_(text), scan_(text), header_(header), emit_(emit) {}

  std::string run() {
    if (!document() && error_.empty() && !stopped_) truncated();
    return error_;
  }

 private:
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  bool truncated() {
    if (!text_.error().empty()) return fail(text_.error());
    return fail("fichier tronqué : le JSON s'arrête avant sa fin, à l'octet " +
                std::to_string(scan_.offset()));
  }
  bool unexpected(int c) {
    if (c < 0) return truncated();
    if (!text_.error().empty()) return fail(text_.error());
    std::string shown = c >= ' ' && c <= '~' ? std::string(1, static_cast<char>(c)) : "?";
    return fail("JSON invalide à l'octet " + std::to_string(scan_.offset()) + " (« " + shown +
                " » inattendu)");
  }
  bool expect(char c) {
    const int got = scan_.peek_after_ws();
    if (got != c) return unexpected(got);
    scan_.skip();
    return true;
  }
  // The value at the cursor: copied into `out` (when not null) within `limit` bytes.
  bool value(std::string* out, bool* too_long = nullptr, std::uint64_t limit = UINT64_MAX) {
    const int c = scan_.peek();
    if (c < 0 || c == ',' || c == ':' || c == '}' || c == ']') return unexpected(c);
    const auto r = scan_.value(out, limit);
    if (r == JsonScan::Value::kTruncated) return truncated();
    if (too_long) *too_long = r == JsonScan::Value::kTooLong;
    return true;
  }
  // A JSON string's text (quotes included) decoded; false (with the error) when it is not one.
  // `checked`: by the JSON parser (escapes, UTF-8); else a key without escapes is taken as is
  // (keys are only compared with ASCII names, never shown).
  bool decode(const std::string& raw, std::string& out, std::uint64_t offset, bool checked) {
    if (!checked && raw.find('\\') == std::string::npos && raw.size() >= 2) {
      out.assign(raw, 1, raw.size() - 2);
      return true;
    }
    const auto j = nlohmann::json::parse(raw, nullptr, false);
    if (!j.is_string()) return fail("JSON invalide à l'octet " + std::to_string(offset));
    out = j.get<std::string>();
    return true;
  }
  // Inside an object: the next key, normalised, and the `:` after it; false at its `}` (then
  // `done`) or on an error. `first`: no `,` before it.
  bool next_key(bool& first, bool& done) {
    int c = scan_.peek_after_ws();
    if (!first) {
      if (c == '}') {
        scan_.skip();
        done = true;
        return false;
      }
      if (c != ',') return unexpected(c);
      scan_.skip();
      c = scan_.peek_after_ws();
    } else if (c == '}') {
      scan_.skip();
      done = true;
      return false;
    }
    first = false;
    if (c != '"') return unexpected(c);
    const std::uint64_t at = scan_.offset();
    raw_.clear();
    bool too_long = false;
    if (!value(&raw_, &too_long, kMaxKeyBytes)) return false;
    if (too_long)
      return fail("clé JSON de plus de 4 Kio à l'octet " + std::to_string(at) +
                  " : pas un fichier FINESS+");
    if (!decode(raw_, key_, at, false)) return false;
    normalise_key(key_, nkey_);
    if (!expect(':')) return false;
    scan_.skip_ws();
    return true;
  }
  // Inside an array: true before its next element, false at its `]` (then `done`) or an error.
  bool next_element(bool& first, bool& done) {
    int c = scan_.peek_after_ws();
    if (c == ']') {
      scan_.skip();
      done = true;
      return false;
    }
    if (!first) {
      if (c != ',') return unexpected(c);
      scan_.skip();
      scan_.skip_ws();
    }
    first = false;
    return true;
  }

  bool document() {
    if (scan_.peek() == 0xEF) {  // a UTF-8 byte order mark
      for (int b : {0xEF, 0xBB, 0xBF}) {
        if (scan_.peek() != b)
          return fail("contenu qui n'est pas du JSON : pas un fichier FINESS+");
        scan_.skip();
      }
    }
    const int c = scan_.peek_after_ws();
    if (c < 0 && text_.error().empty() && scan_.offset() == 0) return fail("fichier vide");
    if (c == '[')
      return fail(
          "tableau JSON en tête : pas un fichier FINESS+ « structures » "
          "(objet avec un tableau « pmej » attendu)");
    if (c == '"' || c == '-' || (c >= '0' && c <= '9'))
      return fail("valeur JSON isolée : pas un fichier FINESS+ « structures »");
    if (c != '{') {
      if (c < 0) return truncated();
      return fail("contenu qui n'est pas du JSON : pas un fichier FINESS+ (octet " +
                  std::to_string(scan_.offset()) + ")");
    }
    scan_.skip();
    bool first = true, done = false;
    while (next_key(first, done))
      if (!top_field()) return false;
    if (!done) return false;
    const int rest = scan_.peek_after_ws();
    if (rest >= 0)
      return fail("JSON invalide à l'octet " + std::to_string(scan_.offset()) +
                  " : du contenu suit l'objet de tête");
    return text_.error().empty() || fail(text_.error());
  }

  bool top_field() {
    const int c = scan_.peek();
    if (nkey_ == "pmej") {
      if (c == '{') return fail("« pmej » est un objet, un tableau est attendu");
      if (c != '[') return fail("« pmej » n'est pas un tableau");
      header_.saw_pmej = true;
      return pmej();
    }
    const bool kept = nkey_ == "schemaversion" || nkey_ == "generatedat";
    if (!kept || c != '"') return value(nullptr);
    const std::uint64_t at = scan_.offset();
    raw_.clear();
    bool too_long = false;
    if (!value(&raw_, &too_long, kMaxKeyBytes)) return false;
    if (too_long) return true;  // not a version nor a date: left out
    return decode(raw_, nkey_ == "schemaversion" ? header_.schema_version : header_.generated_at,
                  at, true);
  }

  bool pmej() {
    scan_.skip();
    bool first = true, done = false;
    while (next_element(first, done)) {
      const std::uint64_t at = scan_.offset();
      if (scan_.peek() == '{') {
        if (!ej(at)) return false;
        continue;
      }
      if (!value(nullptr)) return false;
      RawEj skipped{false, at, std::string(kRawPadding, ' '), {}};
      skipped.items.push_back(
          {RawItem::Kind::kSkip, at, "élément de « pmej » qui n'est pas un objet : ignoré"});
      if (!emit(std::move(skipped))) return false;
    }
    return done;
  }

  bool emit(RawEj&& unit) {
    if (emit_(std::move(unit))) return true;
    stopped_ = true;
    return false;
  }

  // Adds a remark or a skipped record to `unit`; past kMaxEjItems, skipped records are only
  // counted (added up in one item when the EJ ends) and remarks dropped.
  void note(RawEj& unit, RawItem::Kind kind, std::uint64_t at, std::string why) {
    if (notes_ < kMaxEjItems) {
      ++notes_;
      unit.items.push_back({kind, at, std::move(why)});
      return;
    }
    if (kind == RawItem::Kind::kSkip) ++more_skipped_;
  }

  // Copies the value at the cursor into `unit` as an item of `kind`, or a kSkip when too long.
  bool copy_item(RawEj& unit, RawItem::Kind kind, std::string key) {
    const std::uint64_t at = scan_.offset();
    const std::size_t begin = unit.text.size();
    const std::uint64_t room = kMaxEjBytes - std::min<std::uint64_t>(begin, kMaxEjBytes);
    bool too_long = false;
    if (!value(&unit.text, &too_long, std::min(kMaxRecordBytes, room))) return false;
    if (too_long) {
      unit.text.resize(begin);
      note(unit, RawItem::Kind::kSkip, at,
           room < kMaxRecordBytes ? "l'EJ dépasse 64 Mio de texte : enregistrement ignoré"
                                  : "enregistrement de plus de 4 Mio : ignoré");
      return true;
    }
    if (unit.items.size() - notes_ >= kMaxEjRecords) {  // `[{},{},…]`: counted, not kept
      unit.text.resize(begin);
      ++more_skipped_;
      return true;
    }
    unit.items.push_back({kind, at, std::move(key), begin, unit.text.size()});
    return true;
  }

  bool ej(std::uint64_t at) {
    scan_.skip();
    RawEj unit{true, at, {}, {}};
    bool first = true, done = false;
    while (next_key(first, done)) {
      const int c = scan_.peek();
      const std::uint64_t here = scan_.offset();
      const bool container = c == '{' || c == '[';
      if (container && nkey_.starts_with("activite"))  // `activitesAutorisees`…
        return fail("fichier FINESS+ « activités » : le fichier « structures » est attendu");
      if (nkey_ == "ege") {
        if (c == '[') {
          if (!ege(unit)) return false;
          continue;
        }
        raw_.clear();
        bool too_long = false;
        if (!value(c == '{' ? nullptr : &raw_, &too_long, 4)) return false;
        if (c == '{')
          note(unit, RawItem::Kind::kRemark, here,
               "« ege » est un objet, un tableau est attendu : ignoré");
        else if (too_long || raw_ != "null")
          note(unit, RawItem::Kind::kRemark, here,
               "« ege » n'est pas un tableau : EJ sans établissement");
        continue;
      }
      if (!ej_field_read(nkey_)) {  // `adresse`, `evenement`…: map_ej() does not read them
        if (!value(nullptr)) return false;
        continue;
      }
      if (!copy_item(unit, RawItem::Kind::kField, nkey_)) return false;
    }
    if (!done) return false;
    if (more_skipped_ > 0) {
      RawItem summed{RawItem::Kind::kSkip, at,
                     "et " + std::to_string(more_skipped_) +
                         " autres enregistrements ignorés dans cette EJ (non détaillés)"};
      summed.count = more_skipped_;
      unit.items.push_back(std::move(summed));
    }
    more_skipped_ = notes_ = 0;
    unit.text.append(kRawPadding, ' ');
    return emit(std::move(unit));
  }

  bool ege(RawEj& unit) {
    scan_.skip();
    bool first = true, done = false;
    while (next_element(first, done)) {
      if (scan_.peek() == '{') {
        if (!copy_item(unit, RawItem::Kind::kEt, {})) return false;
        continue;
      }
      const std::uint64_t at = scan_.offset();
      if (!value(nullptr)) return false;
      note(unit, RawItem::Kind::kSkip, at, "élément de « ege » qui n'est pas un objet : ignoré");
    }
    return done;
  }

  TextStreamBuf& text_;
  JsonScan scan_;
  SplitHeader& header_;
  const std::function<bool(RawEj&&)>& emit_;
  std::string error_;
  bool stopped_ = false;
  std::string raw_, key_, nkey_;
  std::size_t more_skipped_ = 0;  // of the EJ being cut, past kMaxEjItems or kMaxEjRecords
  std::size_t notes_ = 0;         // remarks and skipped records of the EJ being cut
};

}  // namespace

std::string split_finess_plus(TextStreamBuf& text, SplitHeader& header,
                              const std::function<bool(RawEj&&)>& emit) {
  return Splitter(text, header, emit).run();
}

}  // namespace grappe::reference::internal
