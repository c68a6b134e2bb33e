// The notifier's daily digest (notifier.h): for each `daily` user, one message listing the
// notices it would have received since the last digest.
#include <spdlog/spdlog.h>

#include <map>

#include "notifier.h"

namespace grappe::server {

bool Notifier::digest_due() {
  auto [today, hour] = paris_day_hour(std::chrono::system_clock::now());
  std::lock_guard lock(mu_);
  return digest_requested_ || digest_to_ != 0 ||
         (hour >= options_.digest_hour && digest_day_ != today);
}

// Covers the events in (digest_from_, digest_to_], digest_to_ being the notifier's position when
// the digest began (kept, so that a digest cut by a crash is sent again with the same
// Message-ID: <digest-TO.USERID@grappe>). False when stopped meanwhile.
bool Notifier::digest(std::stop_token stop) {
  std::uint64_t from, to;
  {
    std::lock_guard lock(mu_);
    if (digest_to_ == 0) digest_to_ = position_;
    from = digest_from_;
    to = digest_to_;
    digest_requested_ = false;
  }
  save(true);
  std::map<std::string, std::vector<Notice>> by_user;
  for (auto at = from; at < to;) {
    std::uint64_t scanned = at;
    auto records = store_.read_all_of_types(at, std::min<std::uint64_t>(1024, to - at),
                                            notified_types(), &scanned);
    if (!records || scanned == at) {
      spdlog::warn("notifier: digest: reading the log failed{}",
                   records ? "" : ": " + records.error().message);
      wait_for(stop, std::chrono::seconds(1));
      if (stop.stop_requested()) return false;
      continue;
    }
    for (const auto& r : *records) {
      for (auto& n : notices_for(r, models_, options_.public_url)) {
        if (n.mode == domain::Notifications::kDaily) by_user[n.user_id].push_back(std::move(n));
      }
    }
    at = scanned;
  }
  auto now = std::chrono::system_clock::now();
  for (const auto& [user, notices] : by_user) {
    auto text = digest_mail(notices, options_.public_url);
    Mail mail{options_.mail_from,
              notices.front().email,
              text.subject,
              text.text,
              text.html,
              mail_id("digest-" + std::to_string(to), user),
              now};
    if (!deliver(mail, to, user, now, stop)) return false;
    digests_total_.Increment();
  }
  spdlog::info("notifier: digest of positions {}..{} sent to {} user(s)", from + 1, to,
               by_user.size());
  {
    std::lock_guard lock(mu_);
    digest_day_ = paris_day_hour(now).first;
    digest_from_ = to;
    digest_to_ = 0;
  }
  save(true);
  return true;
}

}  // namespace grappe::server
