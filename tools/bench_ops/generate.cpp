#include "generate.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/domain/streams.h"
#include "grappe/eventstore/store.h"

namespace grappe::bench {
namespace {

namespace d = grappe::domain;
using Ms = std::chrono::milliseconds;

constexpr int kInvited = 40, kAccepted = 30, kDeclined = 5, kRemoved = 2;

std::string luhn_complete(const std::string& body) {  // 8 digits → 9 with the key
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    int digit = body[7 - i] - '0';
    if (i % 2 == 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return body + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// A valid FINESS number of département `dep` (metropolitan, not Corsica).
std::string finess(int dep, int serial) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%06d", dep, serial % 1'000'000);
  return luhn_complete(buf);
}

int departement_of(int grappe) {
  int dep = 1 + grappe % 94;  // 01–95 without 20 (Corsica is 2A/2B)
  return dep >= 20 ? dep + 1 : dep;
}

std::string uuid_of(int grappe) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "6a1f%04x-0c3e-4b7d-9a2e-%012x", grappe & 0xffff, grappe);
  return buf;
}

struct Command {
  std::vector<es::AppendPart> parts;
  std::string actor;
};

void add(Command& c, const std::string& stream, const d::Event& e) {
  for (auto& part : c.parts) {
    if (part.stream == stream) {
      part.events.push_back({"", std::string(d::type_name(e)), d::encode(e).dump(), {}});
      return;
    }
  }
  c.parts.push_back({stream, std::nullopt, {}});
  add(c, stream, e);
}

d::ValidationCompleted validation(int members, int threshold) {
  d::ValidationReport r{members >= threshold, members, threshold, "FINESS extrait 2026-05-12", {}};
  auto outcome = [](bool ok) { return ok ? d::Outcome::kPass : d::Outcome::kFail; };
  r.rules = {{"min_size",
              outcome(members >= threshold),
              std::to_string(members) + " membres acceptés, seuil " + std::to_string(threshold),
              {}},
             {"same_region", d::Outcome::kPass, "Tous dans la région", {}},
             {"exclusive_membership", d::Outcome::kPass, "Aucun membre ailleurs", {}},
             {"eligible_category", d::Outcome::kPass, "Catégories éligibles", {}},
             {"known_establishment", d::Outcome::kPass, "Tous connus du FINESS", {}},
             {"pending_invitations", d::Outcome::kWarn, "Invitations en attente", {}}};
  return d::ValidationCompleted{std::move(r)};
}

// The k-th command of grappe `g`'s plan of `plan_size` commands; its events go to the result.
Command plan_step(int g, int k) {
  const std::string id = uuid_of(g), stream = d::grappe_stream(id);
  const int dep = departement_of(g);
  const std::string porteur = finess(dep, 900'000 + g);
  auto et = [&](int i) { return finess(dep, g * kInvited + i); };
  Command c;
  c.actor = "gest-" + std::to_string(g);
  if (k == 0) {
    add(c, stream,
        d::GrappeCreated{id, "Grappe DUI " + std::to_string(g), "default", "75", porteur,
                         "Groupement pour le DUI des établissements du territoire",
                         d::Dui{"Éditeur " + std::to_string(g % 7), "DUI Pro"}, 15});
  } else if (k <= kInvited) {
    int i = k - 1;
    add(c, stream,
        d::EstablishmentInvited{et(i), porteur, "EHPAD Résidence " + std::to_string(i), "500",
                                std::to_string(dep), "Rejoignez notre grappe"});
  } else if (k <= kInvited + kAccepted) {
    int i = k - kInvited - 1;
    add(c, stream, d::InvitationAccepted{et(i)});
    add(c, d::esms_stream(et(i)), d::MembershipRecorded{id, "default"});
  } else if (k <= kInvited + kAccepted + kDeclined) {
    add(c, stream,
        d::InvitationDeclined{et(k - kInvited - 1), "Déjà engagé avec un autre éditeur"});
  } else if (k <= kInvited + kAccepted + kDeclined + kRemoved) {
    int i = k - kInvited - kAccepted - kDeclined - 1;
    add(c, stream, d::MemberRemoved{et(i), "Fermeture de l'établissement"});
    add(c, d::esms_stream(et(i)), d::MembershipEnded{id, "default", "removed"});
  } else if (k % 20 == 0) {
    add(c, stream, validation(kAccepted - kRemoved, 15));
  } else if (k % 45 == 0) {
    add(c, stream, d::DetailsUpdated{"Grappe DUI " + std::to_string(g) + " (v2)", {}, {}});
  } else {
    add(c, stream,
        d::CommentPosted{"Point d'étape n°" + std::to_string(k) +
                         " : relances faites, réunion jeudi à 14 h."});
  }
  return c;
}

std::size_t event_count(const Command& c) {
  std::size_t n = 0;
  for (const auto& p : c.parts) n += p.events.size();
  return n;
}

// Waits for the appends in flight; the first failure is kept.
class InFlight {
 public:
  void start() {
    std::lock_guard lock(mu_);
    ++pending_;
  }
  void done(const es::AppendOutcome& o) {
    std::lock_guard lock(mu_);
    if (!o && error_.empty()) error_ = o.error().message;
    if (--pending_ == 0) cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return pending_ == 0; });
    if (!error_.empty()) throw std::runtime_error("append failed: " + error_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t pending_ = 0;
  std::string error_;
};

}  // namespace

void generate_log(const std::filesystem::path& dir, const GenerateOptions& options) {
  es::StoreOptions so;
  so.max_batch_events = 50'000;
  auto opened = es::Store::open(dir, so);
  if (!opened) throw std::runtime_error("open " + dir.string() + ": " + opened.error().message);
  auto& store = **opened;
  InFlight in_flight;
  auto clock = std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + Ms(0);
  std::uint64_t written = 0, command_number = 0;
  // Round after round, every grappe takes its next step: the log interleaves them.
  for (int k = 0; written < options.events; ++k) {
    for (int g = 0; g < options.grappes && written < options.events; ++g) {
      Command c = plan_step(g, k);
      // The last command is cut to land on the exact count (its parts in order).
      std::uint64_t left = options.events - written;
      if (event_count(c) > left) c.parts.resize(1), c.parts[0].events.resize(left);
      written += event_count(c);
      es::AppendRequest request;
      request.command_id = "bench-" + std::to_string(++command_number);
      request.timestamp = clock += Ms(37);
      for (auto& part : c.parts) {
        for (auto& e : part.events) e.actor = {c.actor, "Gestionnaire " + c.actor.substr(5)};
      }
      request.parts = std::move(c.parts);
      in_flight.start();
      store.append(std::move(request), [&](es::AppendOutcome o) { in_flight.done(o); });
    }
    in_flight.wait();
  }
  if (store.last_position() != options.events) {
    throw std::runtime_error("generated " + std::to_string(store.last_position()) + " events");
  }
}

}  // namespace grappe::bench
