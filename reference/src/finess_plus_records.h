// Private: one FINESS+ record (an EJ of `pmej`, an ET of its `ege`) as JsonCapture built it (keys
// normalised), mapped to what the registry keeps. Tolerates the variants the real files show
// beside the published schema: key case and underscores (`informationsGeneralesPMEJ` /
// `informationsGeneralesPmej`, `pmSmsseId` / `pm_smsseId`, `categorieentiteGeographiqueExercice`
// / `categorieEntiteGeographiqueExercice`), codes as plain strings or `{"code","system"}`
// objects, numbers as strings or numbers, `siret` inside `informationsGeneralesEGE` or beside it,
// a flat record without an `informationsGenerales…` object. Pure functions, any thread.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "grappe/domain/registry.h"

namespace grappe::reference::internal {

// Whether map_ej() / map_et() read a record's own field `key` (normalised): its
// `informationsGenerales…` object and the names they look up. Readers need not build the others.
bool ej_field_read(std::string_view key);
bool et_field_read(std::string_view key);

struct EjRecord {
  std::string finess;  // valid format
  std::string name;    // long denomination, else the short one; may be empty
  std::string siren;   // 9 digits, or empty
};

// The EJ's FINESS (required), name and SIREN; a SIREN that is not 9 digits is dropped with a
// remark in `notes`. The error says why the record cannot be used.
std::expected<EjRecord, std::string> map_ej(const nlohmann::json& ej,
                                            std::vector<std::string>& notes);

// The ET without its EJ's fields (ej, ej_siren: the caller fills them) nor the checks of
// domain::check_establishment: FINESS (required, valid format), name, category and its
// nomenclature label, SIRET, closedOn, commune and WGS84 location from its main address
// (`usageAdresse` "03", else the first), département from the FINESS prefix. Remarks that keep
// the record (a commune of another département than the prefix's, an unreadable SIRET, date or
// position, which are then left empty) go to `notes`.
std::expected<domain::Establishment, std::string> map_et(const nlohmann::json& et,
                                                         std::vector<std::string>& notes);

}  // namespace grappe::reference::internal
