#include "finess_plus_parse.h"

#include <simdjson.h>

namespace grappe::reference::internal {
namespace {

using nlohmann::json;
static_assert(kRawPadding >= simdjson::SIMDJSON_PADDING);

// What map_ej() and map_et() read of an address (most of its fields are address lines).
bool address_field(std::string_view key) {
  for (std::string_view k :
       {"usageadresse", "cogcommune", "ligneacheminement", "libellecommune", "commune",
        "coordonneesgeographique", "coordonneesgeographiques", "coordonnees"})
    if (key == k) return true;
  return false;
}

// Whether to build the field `key` of an object under `context` (the normalised key of the
// object, or of the array holding it), `depth` the object's nesting in the record (1: itself;
// an ET's own fields are those map_et() reads).
bool keep_field(std::string_view context, std::size_t depth, std::string_view key) {
  if (depth == 1 && context == "ege") return et_field_read(key);
  if (context == "adresse" || context == "adresses") return address_field(key);
  return true;
}

class Builder {
 public:
  // `e` as nlohmann json: objects keep the fields keep_field() wants, keys normalised.
  json build(simdjson::dom::element e, std::string_view context, std::size_t depth) {
    using T = simdjson::dom::element_type;
    switch (e.type()) {
      case T::OBJECT: {
        json out = json::object();
        for (const auto field : simdjson::dom::object(e)) {
          std::string key;
          normalise_key(field.key, key);
          if (!keep_field(context, depth, key)) continue;
          json value = build(field.value, key, depth + 1);
          out[std::move(key)] = std::move(value);
        }
        return out;
      }
      case T::ARRAY: {
        json out = json::array();
        for (const auto item : simdjson::dom::array(e))
          out.push_back(build(item, context, depth + 1));
        return out;
      }
      case T::STRING:
        return std::string(std::string_view(e));
      case T::INT64:
        return std::int64_t(e);
      case T::UINT64:
        return std::uint64_t(e);
      case T::DOUBLE:
        return double(e);
      case T::BOOL:
        return bool(e);
      case T::NULL_VALUE:
        return nullptr;
    }
    return nullptr;
  }
};

}  // namespace

struct EjParser::Impl {
  simdjson::dom::parser parser;
  Builder builder;
  std::vector<std::string> notes;
};

EjParser::EjParser() : impl_(std::make_unique<Impl>()) {}
EjParser::~EjParser() = default;

EjResult EjParser::parse(const RawEj& raw) {
  EjResult r;
  auto warn = [&](std::uint64_t offset, std::string what) {
    r.warnings.emplace_back(offset, std::move(what));
  };
  // The item's text as a value built for the mapping; false (r.error set) when it is not JSON.
  auto build = [&](const RawItem& item, std::string_view context, json& out) {
    simdjson::dom::element e;
    const auto error =
        impl_->parser.parse(raw.text.data() + item.begin, item.end - item.begin, false).get(e);
    if (error) {
      r.error = "JSON invalide dans la valeur qui commence à l'octet " +
                std::to_string(item.offset) + " (" + simdjson::error_message(error) + ")";
      return false;
    }
    out = impl_->builder.build(e, context, 1);
    return true;
  };
  struct Pending {
    domain::Establishment e;
    std::uint64_t offset;
  };
  std::vector<Pending> pending;
  json ej = json::object();
  auto& notes = impl_->notes;
  for (const RawItem& item : raw.items) {
    switch (item.kind) {
      case RawItem::Kind::kSkip:
        warn(item.offset, item.key);
        r.skipped += item.count;
        break;
      case RawItem::Kind::kRemark:
        warn(item.offset, item.key);
        break;
      case RawItem::Kind::kField:
        if (!build(item, item.key, ej[item.key])) return r;
        break;
      case RawItem::Kind::kEt: {
        json value;
        if (!build(item, "ege", value)) return r;
        notes.clear();
        auto et = map_et(value, notes);
        if (!et) {
          warn(item.offset, et.error());
          ++r.skipped;
          break;
        }
        for (const std::string& note : notes) warn(item.offset, "ET " + et->finess + " : " + note);
        pending.push_back({std::move(*et), item.offset});
        break;
      }
    }
  }
  if (!raw.ej) return r;
  notes.clear();
  auto record = map_ej(ej, notes);
  if (!record) {
    std::string why = record.error();
    if (!pending.empty()) why += " ; ses " + std::to_string(pending.size()) + " ET sont ignorés";
    warn(raw.offset, std::move(why));
    r.skipped += 1 + pending.size();
    return r;
  }
  for (const std::string& note : notes) warn(raw.offset, "EJ " + record->finess + " : " + note);
  r.has_ej = true;
  r.ej = std::move(*record);
  for (Pending& p : pending) {
    p.e.ej = r.ej.finess;
    p.e.ej_siren = r.ej.siren;
    std::string warning;
    const std::string reason = domain::check_establishment(p.e, warning);
    if (!reason.empty()) {
      warn(p.offset, "ET " + p.e.finess + " : " + reason);
      ++r.skipped;
      continue;
    }
    if (!warning.empty()) warn(p.offset, "ET " + p.e.finess + " : " + warning);
    r.establishments.push_back(std::move(p.e));
  }
  return r;
}

}  // namespace grappe::reference::internal
