#include "access_requests.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grappe/domain/time.h"
#include "oidc_jose.h"

namespace grappe::server {

namespace {

std::string now_text() {
  return domain::format_timestamp(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

nlohmann::json to_json(const AccessRequest& r) {
  nlohmann::json j{{"id", r.id},
                   {"identity", to_json(r.identity)},
                   {"role", domain::to_string(r.role)},
                   {"og", r.og},
                   {"regions", r.regions},
                   {"message", r.message},
                   {"status", r.status},
                   {"requestedAt", r.requested_at}};
  if (r.status != "pending") {
    j["reason"] = r.reason;
    j["decidedBy"] = r.decided_by;
    j["decidedAt"] = r.decided_at;
    j["user"] = r.user_id;
  }
  return j;
}

std::expected<AccessRequest, std::string> parse_access_request(const nlohmann::json& body,
                                                               const Identity& identity) {
  if (!body.is_object()) return std::unexpected("la demande doit être un objet JSON");
  AccessRequest r;
  r.identity = identity;
  auto role = body.contains("role") && body["role"].is_string()
                  ? domain::parse_role(body["role"].get<std::string>())
                  : std::nullopt;
  if (role != domain::Role::kGestionnaire && role != domain::Role::kArs)
    return std::unexpected("role : « gestionnaire » ou « ars »");
  r.role = *role;
  if (body.contains("message") && !body["message"].is_string())
    return std::unexpected("message : un texte");
  r.message = text(body, "message");
  if (r.message.size() > 2000) return std::unexpected("message : 2000 caractères au plus");
  // The user-record rules check the numbers and the region codes.
  nlohmann::json probe{{"id", "probe"}, {"name", "probe"}, {"role", domain::to_string(r.role)}};
  const char* list = r.role == domain::Role::kGestionnaire ? "og" : "regions";
  if (!body.contains(list) || !body[list].is_array() || body[list].empty() ||
      body[list].size() > 50)
    return std::unexpected(r.role == domain::Role::kGestionnaire
                               ? "og : de 1 à 50 numéros FINESS d’entité juridique"
                               : "regions : de 1 à 50 codes INSEE de région");
  probe[list] = body[list];
  auto checked = domain::parse_user(probe);
  if (!checked) {
    return std::unexpected(r.role == domain::Role::kGestionnaire
                               ? "og : numéros FINESS (9 caractères) invalides"
                               : "regions : codes de région inconnus");
  }
  r.og = checked->og;
  r.regions = checked->regions;
  return r;
}

bool may_see(const domain::User& user, const AccessRequest& r) {
  // Auditors see who asked for and who granted what (issue 20); they decide nothing.
  if (user.role == domain::Role::kAdmin || user.role == domain::Role::kAuditor) return true;
  if (user.role != domain::Role::kGestionnaire || r.role != domain::Role::kGestionnaire)
    return false;
  return std::ranges::any_of(r.og, [&](const auto& ej) { return domain::acts_for(user, ej); });
}

bool may_decide(const domain::User& user, const AccessRequest& r) {
  if (user.role == domain::Role::kAdmin) return true;
  if (user.role != domain::Role::kGestionnaire || r.role != domain::Role::kGestionnaire)
    return false;
  return std::ranges::all_of(r.og, [&](const auto& ej) { return domain::acts_for(user, ej); });
}

domain::User approved_user(const AccessRequest& r, const std::optional<domain::User>& existing) {
  domain::User user;
  if (existing) {
    user = *existing;
  } else {
    user.id = "oidc-" + oidc::random_token(9);
    user.name =
        r.identity.given_name + (r.identity.given_name.empty() ? "" : " ") + r.identity.usual_name;
    if (user.name.empty() || user.name.size() > 200) user.name = r.identity.email.substr(0, 200);
    user.email = r.identity.email;
  }
  user.role = r.role;
  user.og = r.role == domain::Role::kGestionnaire ? r.og : std::vector<std::string>{};
  user.regions = r.role == domain::Role::kArs ? r.regions : std::vector<std::string>{};
  return user;
}

void AccessRequests::apply(const std::string& type, const nlohmann::json& data,
                           const std::string& at) {
  if (type == "AccessRequested") {
    AccessRequest r;
    r.id = text(data, "id");
    r.identity = identity_from_json(data.value("identity", nlohmann::json::object()));
    r.role = domain::parse_role(text(data, "role")).value_or(domain::Role::kGestionnaire);
    r.og = strings(data, "og");
    r.regions = strings(data, "regions");
    r.message = text(data, "message");
    r.requested_at = at;
    requests_.push_back(std::move(r));
  } else if (type == "AccessDecided") {
    auto id = text(data, "id");
    for (auto& r : requests_) {
      if (r.id != id) continue;
      r.status = text(data, "decision");
      r.reason = text(data, "reason");
      r.decided_by = text(data, "by");
      r.user_id = text(data, "user");
      r.decided_at = at;
    }
  }
}

std::expected<void, std::string> AccessRequests::load() {
  auto records = store_.read_stream(kAccessStream, 0, SIZE_MAX, es::Direction::kForward);
  if (!records) return std::unexpected(records.error().message);
  std::lock_guard lock(mu_);
  for (const auto& r : *records) {
    auto data = nlohmann::json::parse(r.data, nullptr, false);
    if (data.is_object()) apply(r.type, data, domain::format_timestamp(r.timestamp));
  }
  return {};
}

std::vector<AccessRequest> AccessRequests::list() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::optional<AccessRequest> AccessRequests::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto& r : requests_) {
    if (r.id == id) return r;
  }
  return std::nullopt;
}

void AccessRequests::submit(AccessRequest r,
                            std::function<void(std::expected<AccessRequest, std::string>)> done) {
  r.id = oidc::random_token(12);
  nlohmann::json data{{"id", r.id},
                      {"identity", to_json(r.identity)},
                      {"role", domain::to_string(r.role)},
                      {"og", r.og},
                      {"regions", r.regions},
                      {"message", r.message}};
  es::AppendRequest request;
  es::Actor actor{"oidc:" + r.identity.sub.substr(0, 64), r.identity.email.substr(0, 200)};
  request.parts.push_back(
      {std::string(kAccessStream), std::nullopt, {{"", "AccessRequested", data.dump(), actor}}});
  store_.append(std::move(request), [this, data, done = std::move(done)](es::AppendOutcome out) {
    if (!out) return done(std::unexpected(out.error().message));
    std::lock_guard lock(mu_);
    apply("AccessRequested", data, now_text());
    done(requests_.back());
  });
}

void AccessRequests::decide(const std::string& id, bool approved, std::string reason,
                            const domain::User& by, std::string user_id,
                            std::function<void(std::expected<AccessRequest, DecideError>)> done) {
  {
    std::lock_guard lock(mu_);
    auto it = std::ranges::find(requests_, id, &AccessRequest::id);
    if (it == requests_.end()) return done(std::unexpected(DecideError::kNotFound));
    if (it->status != "pending" || std::ranges::find(deciding_, id) != deciding_.end())
      return done(std::unexpected(DecideError::kConflict));
    deciding_.push_back(id);
  }
  nlohmann::json data{{"id", id},
                      {"decision", approved ? "approved" : "refused"},
                      {"reason", reason},
                      {"by", by.id},
                      {"user", approved ? user_id : std::string()}};
  es::AppendRequest request;
  request.parts.push_back({std::string(kAccessStream),
                           std::nullopt,
                           {{"", "AccessDecided", data.dump(), es::Actor{by.id, by.name}}}});
  store_.append(std::move(request),
                [this, id, data, done = std::move(done)](es::AppendOutcome out) {
                  std::unique_lock lock(mu_);
                  std::erase(deciding_, id);
                  if (!out) {
                    lock.unlock();
                    spdlog::error("access: AccessDecided not written: {}", out.error().message);
                    return done(std::unexpected(DecideError::kStore));
                  }
                  apply("AccessDecided", data, now_text());
                  auto it = std::ranges::find(requests_, id, &AccessRequest::id);
                  auto copy = *it;
                  lock.unlock();
                  done(copy);
                });
}

}  // namespace grappe::server
