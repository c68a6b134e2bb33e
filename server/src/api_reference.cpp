// GET /api/reference/regions: the INSEE regions with their départements, from the table the
// domain validates against (domain/data/regions.csv), so the web client keeps no copy of it.
// GET /api/reference/calls: the calls for projects of --config with the rules' figures, so that
// the web client names a call and estimates with the numbers the server validates against.
#include <map>

#include "api_handlers.h"
#include "grappe/domain/config.h"
#include "grappe/domain/finess.h"

namespace grappe::server {

namespace {

// The table never changes while the server runs: built once, on first use.
const nlohmann::json& regions_json() {
  static const nlohmann::json body = [] {
    std::map<std::string, nlohmann::json> regions;  // by INSEE code, so listed in code order
    for (const auto& d : domain::departements()) {
      auto& r = regions[d.region];
      if (r.is_null()) {
        r = {{"code", d.region},
             {"name", d.region_name},
             {"overseasOrCorsica", d.overseas_or_corsica},
             {"departements", nlohmann::json::array()}};
      }
      r["departements"].push_back({{"code", d.code},
                                   {"name", d.name},
                                   {"finessCode", d.finess_code},
                                   {"finessPrefix", d.finess_prefix}});
    }
    auto list = nlohmann::json::array();
    for (auto& [code, r] : regions) list.push_back(std::move(r));
    return nlohmann::json{{"regions", std::move(list)}};
  }();
  return body;
}

}  // namespace

void get_regions(ServerContext&, Call& call) {
  call.reply(json_response(call.req, 200, regions_json()));
}

void get_calls(ServerContext& ctx, Call& call) {
  auto list = nlohmann::json::array();
  for (const domain::Call& c : ctx.config.calls) {
    list.push_back(
        {{"id", c.id},
         {"label", c.label},
         {"regions", c.regions.empty() ? nlohmann::json("*") : nlohmann::json(c.regions)},
         {"threshold", c.threshold},
         {"thresholdOverseasCorsica", c.threshold_overseas_corsica},
         {"minOrganisations", c.min_organisations},
         {"minOrganisationsOverseasCorsica", c.min_organisations_overseas_corsica},
         {"maxMembers", c.max_members ? nlohmann::json(*c.max_members) : nlohmann::json()},
         {"deadline", c.deadline ? nlohmann::json(*c.deadline) : nlohmann::json()},
         {"smallProjectsReviewed", c.small_projects_reviewed}});
  }
  call.reply(json_response(call.req, 200, {{"calls", std::move(list)}}));
}

}  // namespace grappe::server
