// E-mail for the notifier: a message as MIME text (multipart/alternative, UTF-8, base64), and its
// hand-over to an SMTP server through libcurl (smtp://, smtps://, STARTTLS when offered).
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace grappe::server {

struct Mail {
  std::string from, to;    // plain addresses (domain::valid_email)
  std::string subject;     // UTF-8
  std::string text;        // UTF-8 plain text
  std::string html;        // UTF-8 HTML
  std::string message_id;  // without angle brackets: "P.USERID@grappe"
  std::chrono::system_clock::time_point date;
};

// The message as sent (CRLF line ends): headers, the subject as an RFC 2047 encoded word when it
// is not plain ASCII, both bodies base64 in 76-character lines.
std::string mime_message(const Mail& mail);

// RFC 2047 "=?UTF-8?B?…?=" words (each ≤ 75 characters, never splitting a UTF-8 sequence); the
// text as is when it is printable ASCII.
std::string encode_header_text(const std::string& text);

struct SendResult {
  bool ok = false;
  bool permanent = false;  // the server refused the address or message for good (501, 550–553)
  std::string error;       // empty when ok
};

// Hands `mail` to the SMTP server at `url` (smtp://HOST:PORT or smtps://HOST:PORT). Blocking for
// at most `timeout`; given up early when `cancel` becomes true. STARTTLS is used when the server
// offers it on smtp://.
SendResult send_mail(const std::string& url, const Mail& mail, std::chrono::seconds timeout,
                     const std::atomic<bool>& cancel);

}  // namespace grappe::server
