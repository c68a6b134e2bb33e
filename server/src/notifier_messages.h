// Who must hear of an event, and what they are told (PROTOCOL.md v2, "notifications"), in French:
// invitation received → the gestionnaires of the invited establishment's EJ; accepted, declined,
// withdrawn → the porteur's gestionnaires; dossier submitted → the region's ARS agents; decision
// → every participant (the gestionnaires of the porteur and of the accepted members). Never the
// actor, never a user without an address or whose notifications are off.
#pragma once

#include <string>
#include <vector>

#include "grappe/domain/user.h"
#include "grappe/eventstore/record.h"
#include "read_models.h"

namespace grappe::server {

struct Notice {
  std::string user_id, user_name, email;
  domain::Notifications mode = domain::Notifications::kImmediate;
  std::string grappe_name, link;
  std::string subject;  // the e-mail's subject
  std::string summary;  // one sentence: what happened and who did it
  std::string detail;   // a message, a reason or a comment given with it (may be empty)
};

// The notices of `record` (none for an event nobody is told of). Reads the grappe and the users
// from `models`, which must have applied the record. `public_url`: the web client's address.
// The event types that notify someone: a reader of the log decodes only these.
const std::vector<std::string>& notified_types();
std::vector<Notice> notices_for(const es::Record& record, const ReadModels& models,
                                const std::string& public_url);

struct MailText {
  std::string subject, text, html;
};

// The e-mail of one notice.
MailText notice_mail(const Notice& notice, const std::string& public_url);
// One day's digest of `notices` (all for one user, oldest first).
MailText digest_mail(const std::vector<Notice>& notices, const std::string& public_url);

}  // namespace grappe::server
