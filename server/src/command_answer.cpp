#include "command_answer.h"

namespace grappe::server {

namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};

}  // namespace

const std::string& CommandAnswer::id() const {
  return std::visit([](const auto& v) -> const std::string& { return v.id; }, value_);
}

std::string_view CommandAnswer::outcome() const {
  const auto* r = rejection();
  return r ? domain::to_string(r->code) : "ack";
}

int CommandAnswer::http_status() const {
  const auto* r = rejection();
  return r ? domain::http_status(r->code) : 200;
}

const domain::Rejection* CommandAnswer::rejection() const {
  const auto* refused = std::get_if<Refused>(&value_);
  return refused ? &refused->rejection : nullptr;
}

nlohmann::json CommandAnswer::to_json() const {
  return std::visit(
      Overload{
          [](const Acked& a) -> nlohmann::json {
            return {{"type", "ack"}, {"id", a.id}, {"grappe", a.grappe}, {"version", a.version}};
          },
          [](const Refused& r) {
            nlohmann::json j = {{"type", "rejected"},
                                {"id", r.id},
                                {"code", domain::to_string(r.rejection.code)},
                                {"message", r.rejection.message}};
            if (r.rejection.details.is_object()) j["details"] = r.rejection.details;
            return j;
          }},
      value_);
}

CommandAnswer rate_limited(std::string id) {
  return refused(std::move(id),
                 domain::reject(domain::RejectionCode::kRateLimited,
                                "trop de commandes à la suite sur cette connexion : réessayez dans "
                                "un instant"));
}

// The recorded form is the wire object: a log exported by `admin export` shows the answers as
// clients received them.
std::string encode_recorded(const CommandAnswer& answer) {
  return answer.to_json().dump();
}

std::optional<CommandAnswer> decode_recorded(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const auto string_at = [&j](const char* key) -> std::optional<std::string> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  const auto type = string_at("type");
  const auto id = string_at("id");
  if (!type || !id) return std::nullopt;
  if (*type == "ack") {
    const auto grappe = string_at("grappe");
    const auto version = j.find("version");
    if (!grappe || version == j.end() || !version->is_number_unsigned()) return std::nullopt;
    return Acked{*id, *grappe, version->get<std::uint64_t>()};
  }
  const auto code_name = string_at("code");
  const auto message = string_at("message");
  if (*type != "rejected" || !code_name || !message) return std::nullopt;
  const auto code = domain::rejection_code(*code_name);
  if (!code) return std::nullopt;
  nlohmann::json details = nullptr;
  if (const auto it = j.find("details"); it != j.end() && it->is_object()) details = *it;
  return refused(*id, domain::reject(*code, *message, std::move(details)));
}

}  // namespace grappe::server
