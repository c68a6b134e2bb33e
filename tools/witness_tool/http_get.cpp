// The witness's HTTP client is Debian's libcurl (http:// and https://, timeouts, redirects
// refused): a library made for the job, and a small compile next to Boost.Beast.
#include "http_get.h"

#include <curl/curl.h>

#include <memory>

namespace grappe::witness {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > (16u << 20)) return 0;  // a checkpoint or a proof is small
  body->append(data, size * n);
  return size * n;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::expected<HttpAnswer, std::string> http_request(const std::string& url,
                                                    const std::string& method,
                                                    const std::string& target,
                                                    const std::string& body,
                                                    std::chrono::seconds timeout) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return std::unexpected("the log's URL must start with http:// or https://: " + url);
  }
  std::string base = url;
  while (base.ends_with('/')) base.pop_back();
  const std::string full = base + target;
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return std::unexpected("libcurl could not start");
  HttpAnswer answer;
  std::unique_ptr<curl_slist, ListFree> headers(
      curl_slist_append(nullptr, "Content-Type: text/plain; charset=utf-8"));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, full.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "grappe-witness");
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  }
  if (auto rc = curl_easy_perform(c); rc != CURLE_OK) {
    return std::unexpected(method + " " + full + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  answer.status = static_cast<int>(status);
  return answer;
}

}  // namespace grappe::witness
