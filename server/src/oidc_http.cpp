#include "oidc_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <mutex>

namespace grappe::server::oidc {

namespace {

constexpr std::size_t kMaxBody = 1 << 20;

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * count > kMaxBody) return 0;  // aborts the transfer
  body->append(data, size * count);
  return size * count;
}

std::expected<HttpAnswer, std::string> perform(const std::string& url,
                                               const std::vector<std::string>& headers,
                                               const std::string* form, const std::string& user,
                                               const std::string& password) {
  if (!allowed_url(url)) return std::unexpected("not an https:// URL: " + url.substr(0, 100));
  init_once();
  CURL* curl = curl_easy_init();
  if (!curl) return std::unexpected("curl_easy_init failed");
  HttpAnswer answer;
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Accept: application/json, application/jwt");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, url.starts_with("https://") ? "https" : "http");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (form) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form->size()));
  }
  if (!user.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
  }
  auto rc = curl_easy_perform(curl);
  char* type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type) {
    std::string t(type);
    t = t.substr(0, t.find(';'));
    std::ranges::transform(t, t.begin(), [](unsigned char c) { return std::tolower(c); });
    while (t.ends_with(' ')) t.pop_back();
    answer.content_type = t;
  }
  std::string why = error[0] ? error : curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return std::unexpected(why);
  return answer;
}

}  // namespace

std::expected<HttpAnswer, std::string> http_get(const std::string& url,
                                                const std::vector<std::string>& headers) {
  return perform(url, headers, nullptr, {}, {});
}

std::expected<HttpAnswer, std::string> http_post_form(const std::string& url,
                                                      const std::string& form,
                                                      const std::string& user,
                                                      const std::string& password) {
  return perform(url, {"Content-Type: application/x-www-form-urlencoded"}, &form, user, password);
}

bool allowed_url(std::string_view url) {
  if (url.starts_with("https://")) return url.size() > 8;
  if (!url.starts_with("http://")) return false;
  auto authority = url.substr(7, url.substr(7).find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;
  std::string host;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  std::ranges::transform(host, host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace grappe::server::oidc
