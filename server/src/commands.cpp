#include "commands.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "json_util.h"

namespace grappe::server {

namespace {

constexpr int kMaxTries = 5;  // decide again after a store version conflict, at most this often

using Clock = std::chrono::steady_clock;
using domain::RejectionCode;

nlohmann::json ack_answer(const CommandRequest& r, std::uint64_t version) {
  return {{"type", "ack"}, {"id", r.id}, {"grappe", r.grappe}, {"version", version}};
}

// The log cannot be written (disk full, I/O error). Not recorded as the command's answer: sent
// again once writes resume, the command is decided then (or gets the result of its batch, when
// that batch turned out durable after all).
domain::Rejection unavailable() {
  return domain::reject(RejectionCode::kUnavailable,
                        "enregistrement momentanément impossible (disque plein ou erreur "
                        "d'écriture sur le serveur) : réessayez dans un instant");
}

// The store's health as it changes: logged, and the gauge of /metrics.
void report_store_health(const es::StoreHealth& health, Metrics& metrics) {
  metrics.store_degraded(health.degraded);
  if (health.degraded) {
    spdlog::error(
        "event store: {}: writes suspended; commands are answered `unavailable` until the disk "
        "accepts writes again (retried every second)",
        health.reason);
  } else {
    spdlog::warn("event store: writes resumed after {:.1f} s", health.outage.count() / 1000.0);
  }
}

std::vector<es::NewEvent> to_new_events(const std::vector<domain::Event>& events,
                                        const domain::User& user) {
  std::vector<es::NewEvent> out;
  out.reserve(events.size());
  for (const auto& e : events) {
    out.push_back(es::NewEvent{{},
                               std::string(domain::type_name(e)),
                               domain::encode(e).dump(),
                               es::Actor{user.id, user.name}});
  }
  return out;
}

}  // namespace

std::expected<CommandRequest, nlohmann::json> parse_command_request(const nlohmann::json& msg) {
  CommandRequest r;
  bool bad = false;
  auto id = string_field(msg, "id", bad);
  auto fail = [&](const char* why) {
    return std::unexpected(rejected_answer(id && valid_client_id(*id) ? *id : "",
                                           domain::reject(RejectionCode::kBadRequest, why)));
  };
  if (!id || bad || !valid_client_id(*id)) {
    return fail("la commande doit porter un champ « id » (identifiant unique, 1 à 64 caractères)");
  }
  r.id = *id;
  auto grappe = string_field(msg, "grappe", bad);
  if (bad || !grappe || !valid_client_id(*grappe)) {
    return fail("le champ « grappe » doit être un identifiant (1 à 64 caractères)");
  }
  r.grappe = *grappe;
  auto name = string_field(msg, "name", bad);
  if (bad || !name) return fail("le champ « name » (nom de la commande) est obligatoire");
  r.name = *name;
  if (auto it = msg.find("payload"); it != msg.end() && !it->is_null()) {
    if (!it->is_object()) return fail("le champ « payload » doit être un objet");
    r.payload = *it;
  } else {
    r.payload = nlohmann::json::object();
  }
  if (auto it = msg.find("expectedVersion"); it != msg.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      return fail("le champ « expectedVersion » doit être un entier positif");
    }
    r.expected_version = it->get<std::uint64_t>();
  }
  return r;
}

nlohmann::json rejected_answer(const std::string& id, const domain::Rejection& rejection) {
  nlohmann::json answer = {{"type", "rejected"},
                           {"id", id},
                           {"code", domain::to_string(rejection.code)},
                           {"message", rejection.message}};
  if (rejection.details.is_object()) answer["details"] = rejection.details;
  return answer;
}

nlohmann::json rate_limited_answer(const std::string& id) {
  return {
      {"type", "rejected"},
      {"id", id},
      {"code", "rate_limited"},
      {"message", "trop de commandes à la suite sur cette connexion : réessayez dans un instant"}};
}

Answer make_answer(const nlohmann::json& answer) {
  return Answer{answer.dump(), answer_status(answer)};
}

int answer_status(const nlohmann::json& answer) {
  if (answer.value("type", "") == "ack") return 200;
  auto code = answer.value("code", "internal");
  for (int c = 0; c <= static_cast<int>(RejectionCode::kInternal); ++c) {
    auto candidate = static_cast<RejectionCode>(c);
    if (domain::to_string(candidate) == code) return domain::http_status(candidate);
  }
  return 500;
}

struct CommandService::Attempt {
  domain::User user;
  CommandRequest request;
  domain::Command command;
  Done done;
  int tries = 0;
  Clock::time_point started = Clock::now();
  std::uint64_t ack_version = 0;
  std::string ack_text;  // the outcome appended with the events
};

CommandService::CommandService(es::Store& store, ReadModels& models,
                               const domain::Registry& registry, const domain::CallConfig& config,
                               Metrics& metrics)
    : store_(store), models_(models), registry_(registry), config_(config), metrics_(metrics) {
  store_.watch_health(
      [&metrics](const es::StoreHealth& health) { report_store_health(health, metrics); });
}

CommandService::~CommandService() {
  store_.watch_health({});
}

// A repeated command id is not looked up here: the store's writer finds it when the command is
// appended (or its rejection recorded), appends nothing and returns the first answer, which
// on_appended() and finish_rejected() pass on. A lookup here cost every command a read of the
// store for the rare repeat.
void CommandService::execute(const domain::User& user, CommandRequest request, Done done) {
  auto command = domain::parse_command(request.name, request.payload);
  auto a = std::make_shared<Attempt>(Attempt{user, std::move(request), {}, std::move(done)});
  if (!command) return finish_rejected(a, command.error());
  a->command = std::move(*command);
  auto grappe = a->request.grappe;
  a->done = [this, grappe, done = std::move(a->done)](Answer answer) {
    done(std::move(answer));
    next_in_lane(grappe);
  };
  bool first = false;
  {
    std::lock_guard lock(mu_);
    auto& lane = lanes_[grappe];
    lane.push_back(a);
    first = lane.size() == 1;
  }
  // The first of its lane is decided at once on the caller's thread (a connection's or the
  // HTTP handler's, never the store's or the projector's); later ones and retries on the pool.
  if (first) attempt(a);
}

void CommandService::next_in_lane(const std::string& grappe) {
  std::shared_ptr<Attempt> next;
  {
    std::lock_guard lock(mu_);
    auto it = lanes_.find(grappe);
    if (it == lanes_.end()) return;
    it->second.pop_front();
    if (it->second.empty()) {
      lanes_.erase(it);
      return;
    }
    next = it->second.front();
  }
  boost::asio::post(pool_, [this, next] { attempt(next); });
}

void CommandService::attempt(std::shared_ptr<Attempt> a) {
  ++a->tries;
  const auto& r = a->request;
  domain::Context ctx{
      a->user,
      registry_,
      config_,
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()),
      {},
      r.grappe};
  std::optional<std::expected<domain::Decision, domain::Rejection>> decision;
  std::uint64_t version = 0;
  // Decided in place, under the read models' read lock: a grappe's state can be large.
  models_.read_for_decision(r.grappe, [&](const domain::GrappeState* found, const auto& esms) {
    static const domain::GrappeState kNone;
    const auto& state = found ? *found : kNone;
    version = state.version;
    if (r.expected_version && *r.expected_version != version) return;
    ctx.esms = esms;
    decision = domain::decide(state, a->command, ctx);
  });
  if (!decision) {
    // The read model may trail the log by a few records: compare with the log itself.
    auto actual = store_.stream_version(domain::grappe_stream(r.grappe));
    if (actual != *r.expected_version) {
      return finish_rejected(
          a, domain::reject(RejectionCode::kConflict,
                            "la grappe a changé depuis votre dernière lecture : rechargez-la",
                            {{"expectedVersion", *r.expected_version}, {"actualVersion", actual}}));
    }
    return models_.when_applied(store_.last_position(),
                                [this, a] { boost::asio::post(pool_, [this, a] { attempt(a); }); });
  }
  if (!*decision) return finish_rejected(a, decision->error());

  es::AppendRequest append;
  append.command_id = r.id;
  append.parts.push_back(
      {domain::grappe_stream(r.grappe), version, to_new_events((*decision)->grappe, a->user)});
  for (const auto& part : (*decision)->esms) {
    append.parts.push_back({domain::esms_stream(part.finess), part.expected_version,
                            to_new_events(part.events, a->user)});
  }
  a->ack_version = version + (*decision)->grappe.size();
  append.outcome = ack_answer(r, a->ack_version).dump();
  a->ack_text = append.outcome;
  store_.append(std::move(append),
                [this, a](es::AppendOutcome outcome) { on_appended(a, std::move(outcome)); });
}

void CommandService::on_appended(std::shared_ptr<Attempt> a, es::AppendOutcome outcome) {
  if (outcome) {
    metrics_.append_latency(std::chrono::duration<double>(Clock::now() - a->started).count());
    // Our own ack unless the command had already been answered (the first answer then wins).
    Answer answer{std::move(outcome->outcome), 200};
    std::string code = "ack";
    if (answer.text != a->ack_text) {
      auto first = nlohmann::json::parse(answer.text, nullptr, false);
      if (first.is_discarded()) {
        answer.text = a->ack_text;
      } else {
        answer.status = answer_status(first);
        if (!answer.acked()) code = first.value("code", "internal");
      }
    }
    metrics_.command(code);
    spdlog::info("command {} {} on grappe {} by {}: {}{}", a->request.id, a->request.name,
                 a->request.grappe, a->user.id, code,
                 outcome->duplicate ? " (repeated: first answer returned)" : "");
    // Answer once the read models show the events, so that a read after the ack sees them.
    return models_.when_applied(outcome->last_position,
                                [a, answer = std::move(answer)] { a->done(answer); });
  }
  const auto& error = outcome.error();
  if (error.code == es::StoreErrc::kVersionConflict) {
    if (!a->request.expected_version && a->tries < kMaxTries) {
      // Someone appended first: decide again against the state that includes their events.
      return models_.when_applied(store_.last_position(), [this, a] {
        boost::asio::post(pool_, [this, a] { attempt(a); });
      });
    }
    return finish_rejected(
        a, domain::reject(RejectionCode::kConflict,
                          "la grappe a changé pendant le traitement : rechargez-la et réessayez"));
  }
  if (error.code == es::StoreErrc::kIo) {
    spdlog::warn("command {} {} on grappe {} by {}: unavailable ({})", a->request.id,
                 a->request.name, a->request.grappe, a->user.id, error.message);
    metrics_.command("unavailable");
    return a->done(make_answer(rejected_answer(a->request.id, unavailable())));
  }
  spdlog::error("command {}: append failed: {}", a->request.id, error.message);
  metrics_.command("internal");
  a->done(make_answer(rejected_answer(
      a->request.id, domain::reject(RejectionCode::kInternal,
                                    "erreur d'enregistrement ; réessayez dans un instant"))));
}

void CommandService::finish_rejected(std::shared_ptr<Attempt> a,
                                     const domain::Rejection& rejection) {
  auto answer = rejected_answer(a->request.id, rejection);
  es::AppendRequest record;
  record.command_id = a->request.id;
  record.outcome = answer.dump();
  store_.append(std::move(record), [this, a, answer](es::AppendOutcome outcome) mutable {
    bool repeated = false;
    if (outcome) {
      auto first = nlohmann::json::parse(outcome->outcome, nullptr, false);
      if (!first.is_discarded()) answer = std::move(first);
      repeated = outcome->duplicate;
    } else if (outcome.error().code == es::StoreErrc::kIo) {
      // A rejection is an answer too: one that cannot be recorded is not given (a repeat of the
      // id must get the first answer).
      answer = rejected_answer(a->request.id, unavailable());
    }
    auto code = answer.value("type", "") == "ack" ? "ack" : answer.value("code", "internal");
    metrics_.command(code);
    spdlog::info("command {} {} on grappe {} by {}: {} ({}){}", a->request.id, a->request.name,
                 a->request.grappe, a->user.id, code, answer.value("message", ""),
                 repeated ? " (repeated: first answer returned)" : "");
    a->done(make_answer(answer));
  });
}

}  // namespace grappe::server
