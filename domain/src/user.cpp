#include "grappe/domain/user.h"

#include <algorithm>

#include "grappe/domain/finess.h"
#include "json_fields.h"

namespace grappe::domain {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kGestionnaire:
      return "gestionnaire";
    case Role::kArs:
      return "ars";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      break;
  }
  return "admin";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::kGestionnaire, Role::kArs, Role::kAuditor, Role::kAdmin})
    if (to_string(r) == name) return r;
  return std::nullopt;
}

std::string_view to_string(Notifications n) {
  switch (n) {
    case Notifications::kDaily:
      return "daily";
    case Notifications::kOff:
      return "off";
    case Notifications::kImmediate:
      break;
  }
  return "immediate";
}

std::optional<Notifications> parse_notifications(std::string_view name) {
  for (auto n : {Notifications::kImmediate, Notifications::kDaily, Notifications::kOff})
    if (to_string(n) == name) return n;
  return std::nullopt;
}

nlohmann::json to_json(const User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"role", to_string(user.role)},
          {"og", user.og},
          {"regions", user.regions},
          {"email", user.email.empty() ? nlohmann::json() : nlohmann::json(user.email)},
          {"notifications", to_string(user.notifications)}};
}

bool valid_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.')
    return false;
  return std::none_of(email.begin(), email.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' ||
           c == ',' || c == ';' || c == '\\' || c == '[' || c == ']';
  });
}

std::string email_key(std::string_view email) {
  std::string out(email);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

bool valid_user_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  });
}

std::expected<std::vector<std::string>, std::string> optional_list(const nlohmann::json& j,
                                                                   std::string_view key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::vector<std::string>();
  return internal::get_string_array(j, key);
}

}  // namespace

std::expected<User, std::string> parse_user(const nlohmann::json& json) {
  using R = std::expected<User, std::string>;
  if (!json.is_object()) return R(std::unexpect, "user: objet JSON attendu / object expected");
  User user;
  auto id = internal::get_string(json, "id");
  if (!id) return R(std::unexpect, "user: " + id.error());
  if (!valid_user_id(*id)) return R(std::unexpect, "user: 'id' invalide (1–64 [A-Za-z0-9._@-])");
  user.id = *id;
  auto name = internal::get_string(json, "name");
  if (!name) return R(std::unexpect, "user: " + name.error());
  if (!internal::text_ok(*name, 1, 200, false)) return R(std::unexpect, "user: 'name' invalide");
  user.name = *name;
  auto role_name = internal::get_string(json, "role");
  if (!role_name) return R(std::unexpect, "user: " + role_name.error());
  auto role = parse_role(*role_name);
  if (!role) return R(std::unexpect, "user: 'role' inconnu (gestionnaire|ars|auditor|admin)");
  user.role = *role;
  auto og = optional_list(json, "og");
  if (!og) return R(std::unexpect, "user: " + og.error());
  for (std::size_t i = 0; i < og->size(); ++i)
    if (!valid_finess_strict((*og)[i]))
      return R(std::unexpect, "user: og[" + std::to_string(i) + "] n'est pas un FINESS valide");
  user.og = std::move(*og);
  auto regions = optional_list(json, "regions");
  if (!regions) return R(std::unexpect, "user: " + regions.error());
  for (std::size_t i = 0; i < regions->size(); ++i)
    if (!valid_region((*regions)[i]))
      return R(std::unexpect,
               "user: regions[" + std::to_string(i) + "] n'est pas un code région INSEE");
  user.regions = std::move(*regions);
  if (auto email = json.find("email"); email != json.end() && !email->is_null()) {
    if (!email->is_string() || !valid_email(email->get_ref<const std::string&>()))
      return R(std::unexpect, "user: 'email' n'est pas une adresse valide");
    user.email = email->get<std::string>();
  }
  if (auto n = json.find("notifications"); n != json.end() && !n->is_null()) {
    auto parsed =
        n->is_string() ? parse_notifications(n->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) return R(std::unexpect, "user: 'notifications' inconnu (immediate|daily|off)");
    user.notifications = *parsed;
  }
  return user;
}

bool acts_for(const User& user, std::string_view ej) {
  return user.role == Role::kGestionnaire &&
         std::find(user.og.begin(), user.og.end(), ej) != user.og.end();
}

bool instructs(const User& user, std::string_view region) {
  return user.role == Role::kArs &&
         std::find(user.regions.begin(), user.regions.end(), region) != user.regions.end();
}

}  // namespace grappe::domain
