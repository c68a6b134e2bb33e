#include "router.h"

#include <stdexcept>

#include "json_util.h"

namespace grappe::server {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.starts_with('/')) path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return parts;
    path.remove_prefix(slash + 1);
  }
}

// Where a parameter goes, and what it must look like (nullptr: anything non-empty).
struct ParamType {
  std::string_view name;
  std::string PathParams::*field;
  bool (*valid)(std::string_view);
  std::string_view unknown;  // the 404 message for a value of the wrong form
};

constexpr std::array<ParamType, 5> kParamTypes = {{
    {"grappe", &PathParams::grappe, valid_client_id, "no such grappe"},
    {"finess", &PathParams::finess, nullptr, "no such establishment"},
    {"user", &PathParams::user, valid_client_id, "no such user"},
    {"projection", &PathParams::projection, nullptr, "no such projection"},
    {"request", &PathParams::request, valid_client_id, "no such access request"},
}};

const ParamType* param_type(std::string_view name) {
  for (const auto& t : kParamTypes) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

Router::Router(std::vector<Route> routes) {
  for (auto& route : routes) {
    Compiled c{std::move(route), {}};
    for (auto part : split_path(c.route.pattern)) {
      const bool param = part.size() > 2 && part.front() == '{' && part.back() == '}';
      if (param) part = part.substr(1, part.size() - 2);
      if (param && !param_type(part)) {
        throw std::logic_error("route " + c.route.pattern + ": unknown parameter type");
      }
      c.segments.push_back({std::string(part), param});
    }
    routes_.push_back(std::move(c));
  }
}

int Router::match(const Compiled& c, const std::vector<std::string_view>& parts, PathParams& params,
                  std::string& why) {
  if (parts.size() != c.segments.size()) return 0;
  int result = 1;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = c.segments[i];
    if (!seg.param) {
      if (parts[i] != seg.text) return 0;
      continue;
    }
    const auto* type = param_type(seg.text);
    if (parts[i].empty() || (type->valid && !type->valid(parts[i]))) {
      // Still compare the literals after it: "/api/grappes/{bad}/nothing" is no endpoint.
      if (result == 1) why = type->unknown;
      result = -1;
      continue;
    }
    params.*(type->field) = std::string(parts[i]);
  }
  return result;
}

std::expected<Router::Match, Router::Miss> Router::find(boost::beast::http::verb method,
                                                        std::string_view path) const {
  const auto parts = split_path(path);
  Miss miss{404, "no such endpoint"};
  for (const auto& c : routes_) {
    PathParams params;
    std::string why;
    const int m = match(c, parts, params, why);
    if (m == 0) continue;
    if (m < 0) {
      if (miss.status == 404 && miss.message == "no such endpoint") miss.message = why;
      continue;
    }
    if (c.route.method == method) {
      return Match{&c.route, std::move(params)};
    }
    miss = Miss{405, "method not allowed"};
  }
  return std::unexpected(std::move(miss));
}

}  // namespace grappe::server
