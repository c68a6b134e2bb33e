// libcurl is Debian's SMTP client (smtp, smtps, STARTTLS, AUTH from the URL's user info): the
// notifier uses it rather than speaking SMTP itself.
#include "mail.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace grappe::server {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Base64 of a body whose lines end in LF or CRLF, the lines made CRLF, cut at 76 characters.
std::string base64_body(std::string_view text) {
  std::string crlf;
  crlf.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) crlf += '\r';
    crlf += text[i];
  }
  auto encoded = base64(crlf);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

bool plain_ascii(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return text.find("=?") == std::string_view::npos;
}

// RFC 5322 date, in UTC: "Mon, 07 Dec 2026 21:00:00 +0000".
std::string mail_date(std::chrono::system_clock::time_point at) {
  auto secs = std::chrono::floor<std::chrono::seconds>(at);
  auto days = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss hms{secs - days};
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld +0000",
                kDays[std::chrono::weekday{days}.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), long(hms.hours().count()),
                long(hms.minutes().count()), long(hms.seconds().count()));
  return buf;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  auto n = std::min(size * count, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

int progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

}  // namespace

std::string encode_header_text(const std::string& text) {
  if (plain_ascii(text)) return text;
  // 45 bytes of text → 60 base64 characters, 72 with "=?UTF-8?B?" and "?=".
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string mime_message(const Mail& mail) {
  const std::string boundary = "=_grappe_" + base64(mail.message_id).substr(0, 24) + "_alt";
  std::string m;
  m += "Date: " + mail_date(mail.date) + "\r\n";
  m += "From: Grappe <" + mail.from + ">\r\n";
  m += "To: <" + mail.to + ">\r\n";
  m += "Message-ID: <" + mail.message_id + ">\r\n";
  m += "Subject: " + encode_header_text(mail.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_body(mail.text);
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_body(mail.html);
  m += "--" + boundary + "--\r\n";
  return m;
}

SendResult send_mail(const std::string& url, const Mail& mail, std::chrono::seconds timeout,
                     const std::atomic<bool>& cancel) {
  global_init();
  // One handle per sending thread, reset for each message: libcurl keeps its connection open
  // and the next message to the same server goes on it (no new TCP, greeting, EHLO and
  // STARTTLS each time); a connection the server has closed meanwhile is replaced by itself.
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  CURL* curl = handle.curl;
  if (!curl) return {false, false, "curl_easy_init failed"};
  curl_easy_reset(curl);
  auto message = mime_message(mail);
  Upload upload{message};
  std::string from = "<" + mail.from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + mail.to + ">").c_str());
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));
  auto rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  if (rc == CURLE_OK) return {true, false, {}};
  std::string why = error[0] ? error : curl_easy_strerror(rc);
  if (code) why += " (SMTP " + std::to_string(code) + ")";
  // Refusals of the address or of this message; others (authentication, service unavailable,
  // a connection that failed) may pass later.
  bool permanent = code == 501 || (code >= 550 && code <= 553);
  return {false, permanent, why};
}

}  // namespace grappe::server
