#include "grappe/reference/finess_plus.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "finess_plus_parse.h"
#include "finess_plus_split.h"
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

namespace {

// Gathers the parsed EJs, in the text's order, into the file read.
class Assembler {
 public:
  Assembler(std::string_view source, std::vector<std::string>* warnings)
      : source_(source), warnings_(warnings) {}

  void add(internal::EjResult&& r) {
    if (warnings_)
      for (auto& [offset, what] : r.warnings) {
        if (listed_ == kMaxWarnings) {
          ++unlisted_;
          continue;
        }
        ++listed_;
        warnings_->push_back(source_ + ":octet " + std::to_string(offset) + ": " + what);
      }
    file_.skipped += r.skipped;
    if (!r.has_ej) return;
    ++file_.organisations;
    if (!r.ej.name.empty()) file_.source.ej_names.emplace(r.ej.finess, std::move(r.ej.name));
    for (domain::Establishment& e : r.establishments) {
      if (e.category_label.empty()) ++unlabelled_[e.category];
      if (!e.closed_on.empty()) ++file_.closed;
      file_.source.establishments.push_back(std::move(e));
    }
  }

  std::expected<FinessPlusFile, std::string> finish(const internal::SplitHeader& header,
                                                    const std::string& error) {
    auto fail = [&](const std::string& why) { return std::unexpected(source_ + " : " + why); };
    if (!error.empty()) return fail(error);
    if (!header.saw_pmej)
      return fail("objet JSON sans tableau « pmej » : pas un fichier FINESS+ « structures »");
    if (file_.organisations == 0 && file_.source.establishments.empty())
      return fail("aucune entité juridique ni aucun établissement utilisable dans « pmej »");
    if (!unlabelled_.empty() && warnings_) {
      std::size_t total = 0;
      std::string codes;
      for (const auto& [code, n] : unlabelled_) {
        total += n;
        codes += (codes.empty() ? "" : ", ") + code + " (" + std::to_string(n) + ")";
      }
      warnings_->push_back(
          source_ + ": " + std::to_string(total) +
          " ET de catégories absentes de la nomenclature, sans libellé : " + codes);
    }
    if (unlisted_ > 0 && warnings_)
      warnings_->push_back(source_ + ": et " + std::to_string(unlisted_) +
                           " autres remarques, non listées (plus de 10 000)");
    file_.schema_version = header.schema_version;
    file_.generated_at = header.generated_at;
    const std::string date = file_.generated_at.substr(0, 10);
    file_.source.label =
        is_date(date) ? "FINESS+ " + date : std::filesystem::path(source_).filename().string();
    file_.establishments = file_.source.establishments.size();
    return std::move(file_);
  }

 private:
  std::string source_;
  std::vector<std::string>* warnings_;
  FinessPlusFile file_;
  static constexpr std::size_t kMaxWarnings = 10'000;
  // "2026-09-01": only then is the file's date part of its label (it may be any text).
  static bool is_date(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
      if (d[i] < '0' || d[i] > '9') return false;
    return true;
  }

  std::map<std::string, std::size_t> unlabelled_;  // category code → ET without a label
  std::size_t listed_ = 0, unlisted_ = 0;
};

}  // namespace

std::expected<FinessPlusFile, std::string> read_finess_plus(std::istream& in,
                                                            std::string_view source,
                                                            std::vector<std::string>* warnings,
                                                            std::uint64_t max_text) {
  internal::TextStreamBuf text(in, max_text);
  internal::SplitHeader header;
  internal::EjParser parser;
  Assembler assembler(source, warnings);
  std::string parse_error;
  std::string error = internal::split_finess_plus(text, header, [&](internal::RawEj&& raw) {
    internal::EjResult r = parser.parse(raw);
    if (!r.error.empty()) {
      parse_error = std::move(r.error);
      return false;
    }
    assembler.add(std::move(r));
    return true;
  });
  return assembler.finish(header, error.empty() ? parse_error : error);
}

std::expected<FinessPlusFile, std::string> read_finess_plus_file(
    const std::filesystem::path& path, std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + " : fichier illisible");
  return read_finess_plus(in, path.string(), warnings);
}

}  // namespace grappe::reference
