#include "oidc_client.h"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "oidc_http.h"

namespace grappe::server::oidc {

namespace {

using Clock = std::chrono::steady_clock;

std::string hash(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d.data());
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::expected<nlohmann::json, std::string> get_json(const std::string& url, const char* what) {
  auto answer = http_get(url);
  if (!answer) return std::unexpected(std::string(what) + ": " + answer.error());
  if (answer->status != 200)
    return std::unexpected(std::string(what) + ": HTTP " + std::to_string(answer->status));
  auto json = nlohmann::json::parse(answer->body, nullptr, false);
  if (!json.is_object()) return std::unexpected(std::string(what) + ": not a JSON object");
  return json;
}

// A provider's string fit for a log line: printable ASCII, 200 characters at most.
std::string printable(std::string text) {
  if (text.size() > 200) text.resize(200);
  for (auto& c : text) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return text;
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Client::Client(ClientConfig config) : config_(std::move(config)) {}

Client::~Client() {
  workers_.join();
}

std::expected<nlohmann::json, std::string> Client::fetch_discovery() {
  auto doc = get_json(config_.issuer + "/.well-known/openid-configuration", "discovery");
  if (!doc) return doc;
  if (str(*doc, "issuer") != config_.issuer)
    return std::unexpected("discovery: issuer \"" + printable(str(*doc, "issuer")) +
                           "\" is not --oidc-issuer");
  for (const char* key : {"authorization_endpoint", "token_endpoint", "jwks_uri"}) {
    if (str(*doc, key).empty()) return std::unexpected(std::string("discovery: no ") + key);
  }
  for (const char* key :
       {"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"}) {
    auto url = str(*doc, key);
    if (!url.empty() && !allowed_url(url))
      return std::unexpected(std::string("discovery: ") + key + " is not https: " + printable(url));
  }
  return doc;
}

std::expected<nlohmann::json, std::string> Client::discovery() {
  {
    std::lock_guard lock(mu_);
    if (!discovery_.is_null() && Clock::now() - discovery_at_ < std::chrono::hours(1))
      return discovery_;
    if (!discovery_error_.empty() && Clock::now() - discovery_failed_at_ < std::chrono::seconds(10))
      return std::unexpected(discovery_error_);
  }
  auto doc = fetch_discovery();
  std::lock_guard lock(mu_);
  if (!doc) {
    discovery_error_ = doc.error();
    discovery_failed_at_ = Clock::now();
    return doc;
  }
  discovery_error_.clear();
  discovery_ = *doc;
  discovery_at_ = Clock::now();
  return discovery_;
}

std::expected<std::vector<Jwk>, std::string> Client::keys(bool refresh) {
  {
    std::lock_guard lock(mu_);
    bool may = !keys_fetched_ || Clock::now() - keys_at_ >= config_.jwks_min_interval;
    if (keys_fetched_ && (!refresh || !may)) return keys_;
  }
  auto doc = discovery();
  if (!doc) return std::unexpected(doc.error());
  auto jwks = get_json(str(*doc, "jwks_uri"), "JWKS");
  if (!jwks) return std::unexpected(jwks.error());
  auto parsed = parse_jwks(*jwks);
  if (!parsed) return std::unexpected("JWKS: " + parsed.error());
  std::lock_guard lock(mu_);
  keys_ = std::move(*parsed);
  keys_fetched_ = true;
  keys_at_ = Clock::now();
  return keys_;
}

void Client::begin(std::function<void(std::expected<Start, std::string>)> done) {
  boost::asio::post(workers_, [this, done = std::move(done)] {
    std::expected<Start, std::string> result;
    try {
      result = start_signin();
    } catch (const std::exception& e) {
      result = std::unexpected(std::string("sign-in not begun: ") + e.what());
    }
    done(std::move(result));
  });
}

std::expected<Start, std::string> Client::start_signin() {
  auto doc = discovery();
  if (!doc) return std::unexpected(doc.error());
  Pending p{random_token(), random_token(), random_token(),
            Clock::now() + config_.pending_lifetime};
  Start start{str(*doc, "authorization_endpoint"), random_token()};
  start.url += (start.url.find('?') == std::string::npos ? "?" : "&");
  start.url += "response_type=code&client_id=" + url_encode(config_.client_id) +
               "&redirect_uri=" + url_encode(config_.redirect_uri) +
               "&scope=" + url_encode(config_.scope) + "&state=" + p.state + "&nonce=" + p.nonce +
               "&code_challenge=" + pkce_challenge(p.verifier) + "&code_challenge_method=S256";
  {
    std::lock_guard lock(mu_);
    auto now = Clock::now();
    std::erase_if(pending_, [now](const auto& kv) { return kv.second.expires < now; });
    if (pending_.size() >= config_.max_pending && !pending_.empty()) {
      // Full (a flood of /auth/login): the oldest sign-in gives way, never the new one.
      auto oldest = std::ranges::min_element(pending_, [](const auto& a, const auto& b) {
        return a.second.expires < b.second.expires;
      });
      pending_.erase(oldest);
    }
    pending_[hash(start.cookie)] = std::move(p);
  }
  return start;
}

void Client::forget(const std::string& cookie) {
  std::lock_guard lock(mu_);
  pending_.erase(hash(cookie));
}

void Client::finish(std::string cookie, std::string state, std::string code,
                    std::function<void(std::expected<Identity, std::string>)> done) {
  std::optional<Pending> pending;
  {
    std::lock_guard lock(mu_);
    auto it = cookie.empty() ? pending_.end() : pending_.find(hash(cookie));
    if (it != pending_.end()) {
      pending = std::move(it->second);
      pending_.erase(it);  // single use, whatever follows
    }
  }
  if (!pending) return done(std::unexpected("no sign-in in progress for this browser"));
  if (pending->expires < Clock::now()) return done(std::unexpected("the sign-in took too long"));
  if (state != pending->state) return done(std::unexpected("state does not match the sign-in's"));
  if (code.empty() || code.size() > 2048) return done(std::unexpected("no usable code"));
  boost::asio::post(
      workers_, [this, p = std::move(*pending), code = std::move(code), done = std::move(done)] {
        std::expected<Identity, std::string> result;
        try {
          result = exchange(p, code);
        } catch (const std::exception& e) {
          result = std::unexpected(std::string("unreadable provider answer: ") + e.what());
        }
        done(std::move(result));
      });
}

std::expected<nlohmann::json, std::string> Client::verified_payload(const std::string& token) {
  auto jws = parse_jws(token);
  if (!jws) return std::unexpected(jws.error());
  auto keys_now = keys(false);
  if (!keys_now) return std::unexpected(keys_now.error());
  std::string why;
  auto check = verify_signature(*jws, *keys_now, why);
  if (check == SignatureCheck::kUnknownKid) {
    auto fresh = keys(true);  // a rotation: ask once more (rate-limited)
    if (!fresh) return std::unexpected(fresh.error());
    check = verify_signature(*jws, *fresh, why);
  }
  if (check != SignatureCheck::kValid) return std::unexpected(why);
  return jws->payload;
}

std::expected<Identity, std::string> Client::exchange(const Pending& pending,
                                                      const std::string& code) {
  auto doc = discovery();
  if (!doc) return std::unexpected(doc.error());
  std::string form = "grant_type=authorization_code&code=" + url_encode(code) +
                     "&redirect_uri=" + url_encode(config_.redirect_uri) +
                     "&code_verifier=" + pending.verifier;
  // client_secret_basic unless the provider lists only client_secret_post (ProConnect).
  bool basic = true;
  if (auto m = doc->find("token_endpoint_auth_methods_supported"); m != doc->end() && m->is_array())
    basic = std::ranges::find(*m, "client_secret_basic") != m->end();
  std::expected<HttpAnswer, std::string> answer;
  if (basic) {
    answer = http_post_form(str(*doc, "token_endpoint"), form, url_encode(config_.client_id),
                            url_encode(config_.client_secret));
  } else {
    form += "&client_id=" + url_encode(config_.client_id) +
            "&client_secret=" + url_encode(config_.client_secret);
    answer = http_post_form(str(*doc, "token_endpoint"), form);
  }
  if (!answer) return std::unexpected("token endpoint: " + answer.error());
  auto tokens = nlohmann::json::parse(answer->body, nullptr, false);
  if (answer->status != 200 || !tokens.is_object()) {
    auto error = tokens.is_object() ? str(tokens, "error") : std::string();
    return std::unexpected("token endpoint: HTTP " + std::to_string(answer->status) + " " +
                           printable(error.substr(0, 100)));
  }
  auto id_token = str(tokens, "id_token");
  if (id_token.empty()) return std::unexpected("token endpoint: no id_token");
  auto claims = verified_payload(id_token);
  if (!claims) return std::unexpected("ID token: " + claims.error());
  auto checked = check_claims(*claims, {config_.issuer, config_.client_id, pending.nonce,
                                        std::chrono::system_clock::now()});
  if (!checked) return std::unexpected("ID token: " + checked.error());
  Identity identity = identity_from_json(*claims);
  auto access_token = str(tokens, "access_token");
  if (identity.email.empty() && !access_token.empty() && !str(*doc, "userinfo_endpoint").empty()) {
    auto info = http_get(str(*doc, "userinfo_endpoint"), {"Authorization: Bearer " + access_token});
    if (!info) return std::unexpected("userinfo: " + info.error());
    if (info->status != 200)
      return std::unexpected("userinfo: HTTP " + std::to_string(info->status));
    nlohmann::json more;
    if (info->content_type == "application/jwt") {  // ProConnect signs its userinfo
      auto payload = verified_payload(info->body);
      if (!payload) return std::unexpected("userinfo: " + payload.error());
      more = std::move(*payload);
    } else {
      more = nlohmann::json::parse(info->body, nullptr, false);
    }
    if (!more.is_object() || str(more, "sub") != identity.sub)
      return std::unexpected("userinfo: not an object about the ID token's subject");
    for (auto& [key, value] : more.items()) {
      if (!claims->contains(key)) (*claims)[key] = value;
    }
    identity = identity_from_json(*claims);
  }
  if (identity.email.empty()) return std::unexpected("the provider gave no e-mail address");
  // Present, it must be true: a provider letting anyone claim an address must not match a user.
  if (auto v = claims->find("email_verified"); v != claims->end()) {
    bool yes = (v->is_boolean() && v->get<bool>()) || (v->is_string() && *v == "true");
    if (!yes) return std::unexpected("the provider says the e-mail address is not verified");
  }
  return identity;
}

}  // namespace grappe::server::oidc
