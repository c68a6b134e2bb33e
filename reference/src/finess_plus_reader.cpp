#include "finess_plus_reader.h"

#include <filesystem>

#include "finess_plus_records.h"

namespace grappe::reference::internal {
namespace {

// One record's text beyond this is not a FINESS record (the largest ET of a national file,
// with its 150 addresses, is a few hundred KB): it is skipped unbuilt.
constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{64} << 20;

// Fields of an EJ or ET that the registry does not use and that can be long: not built.
bool unused(std::string_view key) {
  return key == "evenement" || key == "engagement" || key == "contact";
}

// What map_ej() and map_et() read of an address (most of its fields are address lines).
bool address_field(std::string_view key) {
  for (std::string_view k :
       {"usageadresse", "cogcommune", "ligneacheminement", "libellecommune", "commune",
        "coordonneesgeographique", "coordonneesgeographiques", "coordonnees"})
    if (key == k) return true;
  return false;
}

bool keep_field(std::string_view context, std::size_t depth, std::string_view key) {
  if (depth == 1 && unused(key)) return false;
  if (context == "adresse" || context == "adresses") return address_field(key);
  return true;
}

// nlohmann's message quotes the bytes last read, which may be anything: kept to printable ASCII,
// so that the error can be sent as JSON.
std::string parser_message(const nlohmann::detail::exception& e) {
  std::string out = e.what();
  for (char& c : out)
    if (c < ' ' || c > '~') c = '?';
  return out;
}

}  // namespace

FinessPlusReader::FinessPlusReader(const TextStreamBuf& text, std::string_view source,
                                   std::vector<std::string>* warnings)
    : text_(text), source_name_(source), warnings_(warnings) {}

bool FinessPlusReader::fail(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
  return false;
}

void FinessPlusReader::warn(std::uint64_t offset, std::string_view what) {
  if (warnings_)
    warnings_->push_back(source_name_ + ":octet " + std::to_string(offset) + ": " +
                         std::string(what));
}

void FinessPlusReader::skip_record(std::uint64_t offset, std::string_view why) {
  warn(offset, why);
  ++file_.skipped;
}

bool FinessPlusReader::key(std::string& k) {
  if (skip_ > 0) return true;
  if (capture_.active()) {
    capture_.key(k);
    return true;
  }
  key_ = normalised_key(k);
  return true;
}

bool FinessPlusReader::scalar(json v) {  // drops_scalar() was false
  if (capture_.active()) {
    capture_.value(std::move(v));
    return true;
  }
  return place_scalar(std::move(v));
}

bool FinessPlusReader::open(bool object) {
  const std::uint64_t offset = text_.offset() - 1;  // the `{` or `[` was just read
  if (skip_ > 0) {
    ++skip_;
    return true;
  }
  if (!capture_.active()) return place_container(object, offset);
  if (offset - capture_offset_ > kMaxRecordBytes) {
    skip_ = capture_.depth() + 1;
    capture_.abandon();
    skip_record(capture_offset_, "enregistrement de plus de 64 Mio : ignoré");
    return true;
  }
  capture_.open(object);
  return true;
}

bool FinessPlusReader::close() {
  if (skip_ > 0) {
    --skip_;
    return true;
  }
  if (capture_.active()) {
    if (capture_.close()) captured();
    return true;
  }
  const Frame frame = frames_.back();
  frames_.pop_back();
  if (frame == Frame::kEj) finish_ej();
  return true;
}

bool FinessPlusReader::place_container(bool object, std::uint64_t offset) {
  if (frames_.empty()) {
    if (!object)
      return fail(
          "tableau JSON en tête : pas un fichier FINESS+ « structures » "
          "(objet avec un tableau « pmej » attendu)");
    frames_.push_back(Frame::kTop);
    saw_top_ = true;
    return true;
  }
  switch (frames_.back()) {
    case Frame::kTop:
      if (key_ != "pmej") break;
      if (object) return fail("« pmej » est un objet, un tableau est attendu");
      saw_pmej_ = true;
      frames_.push_back(Frame::kPmej);
      return true;
    case Frame::kPmej:
      if (!object) {
        skip_record(offset, "élément de « pmej » qui n'est pas un objet : ignoré");
        break;
      }
      frames_.push_back(Frame::kEj);
      ej_ = json::object();
      ej_offset_ = offset;
      return true;
    case Frame::kEj:
      if (key_.starts_with("activite"))  // `activitesAutorisees`…: the other FINESS+ file
        return fail("fichier FINESS+ « activités » : le fichier « structures » est attendu");
      if (key_ == "ege" && !object) {
        frames_.push_back(Frame::kEge);
        return true;
      }
      if (key_ == "ege") {
        warn(offset, "« ege » est un objet, un tableau est attendu : ignoré");
        break;
      }
      if (unused(key_)) break;
      capture_.begin(ej_[key_], object, key_, keep_field);
      capturing_et_ = false;
      capture_offset_ = offset;
      return true;
    case Frame::kEge:
      if (!object) {
        skip_record(offset, "élément de « ege » qui n'est pas un objet : ignoré");
        break;
      }
      capture_.begin(et_, true, "ege", keep_field);
      capturing_et_ = true;
      capture_offset_ = offset;
      return true;
  }
  skip_ = 1;  // a value the registry does not use, or a misplaced one (reported above)
  return true;
}

bool FinessPlusReader::place_scalar(json v) {
  if (frames_.empty()) return fail("valeur JSON isolée : pas un fichier FINESS+ « structures »");
  const std::uint64_t offset = text_.offset();
  switch (frames_.back()) {
    case Frame::kTop:
      if (key_ == "pmej") return fail("« pmej » n'est pas un tableau");
      if (key_ == "schemaversion" && v.is_string()) file_.schema_version = v.get<std::string>();
      if (key_ == "generatedat" && v.is_string()) file_.generated_at = v.get<std::string>();
      return true;
    case Frame::kPmej:
      skip_record(offset, "élément de « pmej » qui n'est pas un objet : ignoré");
      return true;
    case Frame::kEj:
      if (key_ == "ege" && !v.is_null())
        warn(offset, "« ege » n'est pas un tableau : EJ sans établissement");
      else if (key_ != "ege")
        ej_[key_] = std::move(v);
      return true;
    case Frame::kEge:
      skip_record(offset, "élément de « ege » qui n'est pas un objet : ignoré");
      return true;
  }
  return true;
}

void FinessPlusReader::captured() {
  if (!capturing_et_) return;  // an EJ field: kept in ej_ until the EJ ends
  notes_.clear();
  auto et = map_et(et_, notes_);
  et_ = json();
  if (!et) {
    skip_record(capture_offset_, et.error());
    return;
  }
  for (const std::string& note : notes_) warn(capture_offset_, "ET " + et->finess + " : " + note);
  pending_.push_back({std::move(*et), capture_offset_});
}

void FinessPlusReader::finish_ej() {
  notes_.clear();
  auto ej = map_ej(ej_, notes_);
  ej_ = json();
  if (!ej) {
    std::string why = ej.error();
    if (!pending_.empty()) why += " ; ses " + std::to_string(pending_.size()) + " ET sont ignorés";
    skip_record(ej_offset_, why);
    file_.skipped += pending_.size();
    pending_.clear();
    return;
  }
  for (const std::string& note : notes_) warn(ej_offset_, "EJ " + ej->finess + " : " + note);
  ++file_.organisations;
  if (!ej->name.empty()) file_.source.ej_names.emplace(ej->finess, ej->name);
  for (PendingEt& p : pending_) {
    p.e.ej = ej->finess;
    p.e.ej_siren = ej->siren;
    std::string warning;
    const std::string reason = domain::check_establishment(p.e, warning);
    if (!reason.empty()) {
      skip_record(p.offset, "ET " + p.e.finess + " : " + reason);
      continue;
    }
    if (!warning.empty()) warn(p.offset, "ET " + p.e.finess + " : " + warning);
    if (p.e.category_label.empty()) ++unlabelled_[p.e.category];
    if (!p.e.closed_on.empty()) ++file_.closed;
    file_.source.establishments.push_back(std::move(p.e));
  }
  pending_.clear();
}

bool FinessPlusReader::parse_error(std::size_t position, const std::string&,
                                   const nlohmann::detail::exception& e) {
  if (!text_.error().empty()) return fail(text_.error());
  if (text_.ended())
    return fail("fichier tronqué : le JSON s'arrête avant sa fin, à l'octet " +
                std::to_string(position));
  if (frames_.empty() && !saw_top_)
    return fail("contenu qui n'est pas du JSON : pas un fichier FINESS+ (" + parser_message(e) +
                ")");
  if (frames_.empty())
    return fail("JSON invalide à l'octet " + std::to_string(position) +
                " : du contenu suit l'objet de tête");
  return fail("JSON invalide à l'octet " + std::to_string(position) + " (" + parser_message(e) +
              ")");
}

std::expected<FinessPlusFile, std::string> FinessPlusReader::finish() {
  auto error = [&](const std::string& why) { return std::unexpected(source_name_ + " : " + why); };
  if (!error_.empty()) return error(error_);
  if (!text_.error().empty()) return error(text_.error());
  if (!saw_pmej_)
    return error("objet JSON sans tableau « pmej » : pas un fichier FINESS+ « structures »");
  if (file_.organisations == 0 && file_.source.establishments.empty())
    return error("aucune entité juridique ni aucun établissement utilisable dans « pmej »");
  if (!unlabelled_.empty()) {
    std::size_t total = 0;
    std::string codes;
    for (const auto& [code, n] : unlabelled_) {
      total += n;
      codes += (codes.empty() ? "" : ", ") + code + " (" + std::to_string(n) + ")";
    }
    if (warnings_)
      warnings_->push_back(
          source_name_ + ": " + std::to_string(total) +
          " ET de catégories absentes de la nomenclature, sans libellé : " + codes);
  }
  const std::string date = file_.generated_at.substr(0, 10);
  file_.source.label = date.size() == 10 && date[4] == '-'
                           ? "FINESS+ " + date
                           : std::filesystem::path(source_name_).filename().string();
  file_.establishments = file_.source.establishments.size();
  return std::move(file_);
}

}  // namespace grappe::reference::internal
