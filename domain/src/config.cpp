#include "grappe/domain/config.h"

#include <algorithm>

#include "grappe/domain/finess.h"
#include "grappe/domain/time.h"
#include "json_fields.h"

namespace grappe::domain {

bool Call::open_in(std::string_view region) const {
  return regions.empty() || std::find(regions.begin(), regions.end(), region) != regions.end();
}

int Call::threshold_for(std::string_view region) const {
  return overseas_or_corsica(region) ? threshold_overseas_corsica : threshold;
}

int Call::min_organisations_for(std::string_view region) const {
  return overseas_or_corsica(region) ? min_organisations_overseas_corsica : min_organisations;
}

CallConfig CallConfig::builtin() {
  Call call;
  call.id = "default";
  call.label = "Appel à projets ESMS numérique";
  return CallConfig{{call}};
}

const Call* CallConfig::find(std::string_view id) const {
  for (const Call& c : calls)
    if (c.id == id) return &c;
  return nullptr;
}

namespace {

using Json = nlohmann::json;
using CallResult = std::expected<Call, std::string>;

bool valid_call_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::optional<std::string> normalise_deadline(std::string_view text) {
  if (text.size() == 10) return normalise_deadline(std::string(text) + "T23:59:59.999Z");
  const auto t = parse_timestamp(text);
  if (!t) return std::nullopt;
  return format_timestamp(*t);
}

std::expected<int, std::string> threshold(const Json& j, std::string_view key, int fallback) {
  if (!j.contains(key)) return fallback;
  auto v = internal::get_int(j, key);
  if (!v) return std::unexpected(v.error());
  if (*v < 1 || *v > 10000) return std::unexpected("'" + std::string(key) + "' hors de 1–10000");
  return static_cast<int>(*v);
}

std::expected<std::vector<std::string>, std::string> regions(const Json& j) {
  if (!j.contains("regions") || j["regions"] == "*") return std::vector<std::string>();
  auto list = internal::get_string_array(j, "regions");
  if (!list) return std::unexpected(list.error() + " (ou \"*\")");
  for (const auto& r : *list)
    if (!valid_region(r)) return std::unexpected("'regions' : code région INSEE inconnu");
  return list;
}

// The thresholds that apply in the regions the call is open in (every region when empty).
int largest_threshold(const Call& call) {
  if (call.regions.empty()) return std::max(call.threshold, call.threshold_overseas_corsica);
  int largest = 0;
  for (const auto& r : call.regions) largest = std::max(largest, call.threshold_for(r));
  return largest;
}

// minOrganisations, minOrganisationsOverseasCorsica and maxMembers, once the thresholds are set.
std::optional<std::string> parse_size_rules(const Json& j, Call& call) {
  auto mo = threshold(j, "minOrganisations", 3);
  if (!mo) return mo.error();
  auto moo = threshold(j, "minOrganisationsOverseasCorsica", 2);
  if (!moo) return moo.error();
  call.min_organisations = *mo;
  call.min_organisations_overseas_corsica = *moo;
  if (!j.contains("maxMembers") || j["maxMembers"].is_null()) return std::nullopt;
  auto max = threshold(j, "maxMembers", 0);
  if (!max) return max.error();
  if (*max < largest_threshold(call))
    return "'maxMembers' (" + std::to_string(*max) + ") inférieur au seuil de l'appel (" +
           std::to_string(largest_threshold(call)) + ") : aucune grappe ne serait éligible";
  call.max_members = *max;
  return std::nullopt;
}

CallResult parse_call(const Json& j) {
  if (!j.is_object()) return CallResult(std::unexpect, "objet attendu");
  Call call;
  auto id = internal::get_string(j, "id");
  if (!id) return CallResult(std::unexpect, id.error());
  if (!valid_call_id(*id)) return CallResult(std::unexpect, "'id' invalide (1–64 [A-Za-z0-9._-])");
  call.id = *id;
  auto label = internal::get_optional_string(j, "label");
  if (!label) return CallResult(std::unexpect, label.error());
  call.label = label->value_or(call.id);
  if (!internal::text_ok(call.label, 1, 200, false))
    return CallResult(std::unexpect, "'label' invalide");
  auto r = regions(j);
  if (!r) return CallResult(std::unexpect, r.error());
  call.regions = std::move(*r);
  auto t = threshold(j, "threshold", 15);
  if (!t) return CallResult(std::unexpect, t.error());
  auto to = threshold(j, "thresholdOverseasCorsica", 8);
  if (!to) return CallResult(std::unexpect, to.error());
  call.threshold = *t;
  call.threshold_overseas_corsica = *to;
  if (auto error = parse_size_rules(j, call)) return CallResult(std::unexpect, *error);
  auto deadline = internal::get_optional_string(j, "deadline");
  if (!deadline) return CallResult(std::unexpect, deadline.error());
  if (*deadline) {
    call.deadline = normalise_deadline(**deadline);
    if (!call.deadline)
      return CallResult(std::unexpect, "'deadline' : AAAA-MM-JJ ou horodatage RFC 3339 UTC");
  }
  if (j.contains("smallProjectsReviewed")) {
    auto b = internal::get_bool(j, "smallProjectsReviewed");
    if (!b) return CallResult(std::unexpect, b.error());
    call.small_projects_reviewed = *b;
  }
  return call;
}

}  // namespace

std::expected<CallConfig, std::string> CallConfig::parse(const nlohmann::json& json) {
  using R = std::expected<CallConfig, std::string>;
  if (!json.is_object() || !json.contains("calls") || !json["calls"].is_array())
    return R(std::unexpect, "config: {\"calls\":[…]} attendu");
  CallConfig config;
  for (std::size_t i = 0; i < json["calls"].size(); ++i) {
    auto call = parse_call(json["calls"][i]);
    const std::string where = "config: calls[" + std::to_string(i) + "]: ";
    if (!call) return R(std::unexpect, where + call.error());
    if (config.find(call->id)) return R(std::unexpect, where + "'id' en double");
    config.calls.push_back(std::move(*call));
  }
  if (config.calls.empty()) return R(std::unexpect, "config: aucun appel à projets");
  return config;
}

}  // namespace grappe::domain
