#include "command_service.h"

#include <spdlog/spdlog.h>

#include "grappe/domain/decide.h"
#include "grappe/domain/streams.h"
#include "json_util.h"

namespace grappe::server {

namespace {

using Clock = std::chrono::steady_clock;
using domain::RejectionCode;

// The log cannot be written (disk full, I/O error). Not recorded as the command's answer: sent
// again once writes resume, the command is decided then (or gets the result of its batch, when
// that batch turned out durable after all).
domain::Rejection unavailable() {
  return domain::reject(RejectionCode::kUnavailable,
                        "enregistrement momentanément impossible (disque plein ou erreur "
                        "d'écriture sur le serveur) : réessayez dans un instant");
}

domain::Rejection internal_error() {
  return domain::reject(RejectionCode::kInternal,
                        "erreur d'enregistrement ; réessayez dans un instant");
}

}  // namespace

struct CommandService::Run {
  domain::User user;
  CommandRequest request;
  std::optional<domain::Command> command;  // nullopt: the payload was refused
  Done done;
  Clock::time_point started = Clock::now();
  std::optional<CommandAnswer> mine;  // what the last decision records: its ack or its refusal

  // Records `rejection` as the command's answer (a repeat of the id must get it back).
  LogWrite record(const domain::Rejection& rejection) {
    mine = refused(request.id, rejection);
    return LogWrite{{}, request.id, encode_recorded(*mine)};
  }
};

CommandService::CommandService(EventWriter& writer, ReadModels& models,
                               const Registries& registries, const domain::CallConfig& config,
                               Metrics& metrics)
    : writer_(writer),
      models_(models),
      registries_(registries),
      config_(config),
      metrics_(metrics) {}

// A repeated command id is not looked up here: the store finds it when the command is appended
// (or its rejection recorded), appends nothing and returns the first answer, which finish()
// passes on. A lookup here cost every command a read of the store for the rare repeat.
void CommandService::execute(const domain::User& user, CommandRequest request, Done done) {
  auto command = domain::parse_command(request.name, request.payload);
  auto run = std::make_shared<Run>(Run{user, std::move(request), {}, std::move(done)});
  if (!command) return write(run, command.error());
  run->command = std::move(*command);
  auto grappe = run->request.grappe;
  run->done = [this, grappe, done = std::move(run->done)](CommandAnswer answer) {
    done(std::move(answer));
    next_in_lane(grappe);
  };
  bool first = false;
  {
    std::lock_guard lock(mu_);
    auto& lane = lanes_[grappe];
    lane.push_back(run);
    first = lane.size() == 1;
  }
  // The first of its lane is decided at once on the caller's thread (a connection's or the
  // HTTP handler's, never the store's or the projector's); later ones on the writer's thread.
  if (first) write(run);
}

void CommandService::next_in_lane(const std::string& grappe) {
  std::shared_ptr<Run> next;
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
  writer_.defer([this, next] { write(next); });
}

void CommandService::write(std::shared_ptr<Run> run, std::optional<domain::Rejection> refusal) {
  writer_.write(
      run->user,
      [this, run, refusal = std::move(refusal)]() -> Decided {
        return refusal ? run->record(*refusal) : decide(*run);
      },
      [this, run](WriteOutcome outcome) { finish(run, outcome); });
}

Decided CommandService::decide(Run& run) {
  const auto& r = run.request;
  const auto registry = registries_.current();  // one registry for the whole decision
  domain::Context ctx{
      run.user,
      *registry,
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
    decision = domain::decide(state, *run.command, ctx);
  });
  if (!decision) {
    // The read model may trail the log by a few records: compare with the log itself.
    auto actual = writer_.store().stream_version(domain::grappe_stream(r.grappe));
    if (actual == *r.expected_version) return DecideAgain{};
    return run.record(domain::reject(
        RejectionCode::kConflict, "la grappe a changé depuis votre dernière lecture : rechargez-la",
        {{"expectedVersion", *r.expected_version}, {"actualVersion", actual}}));
  }
  if (!*decision) return run.record(decision->error());
  auto& decided = **decision;
  LogWrite write{{}, r.id, {}};
  const auto added = decided.grappe.size();
  write.parts.push_back({domain::grappe_stream(r.grappe), version, std::move(decided.grappe)});
  for (auto& part : decided.esms) {
    write.parts.push_back(
        {domain::esms_stream(part.finess), part.expected_version, std::move(part.events)});
  }
  run.mine = Acked{r.id, r.grappe, version + added};
  write.outcome = encode_recorded(*run.mine);
  return write;
}

void CommandService::finish(const std::shared_ptr<Run>& run, const WriteOutcome& outcome) {
  const auto& r = run->request;
  std::optional<CommandAnswer> answer;
  bool repeated = false;
  if (outcome) {
    // Our own answer unless the command had already been answered (the first answer then wins).
    answer = decode_recorded(outcome->outcome);
    if (!answer) answer = run->mine;
    repeated = outcome->duplicate;
    if (answer->acked() && !repeated) {
      metrics_.append_latency(std::chrono::duration<double>(Clock::now() - run->started).count());
    }
  } else if (outcome.error().failure == WriteFailure::kConflict) {
    // Others' events kept winning the race for the same streams: a refusal, recorded.
    return write(run, domain::reject(RejectionCode::kConflict,
                                     "la grappe a changé pendant le traitement : rechargez-la et "
                                     "réessayez"));
  } else if (outcome.error().failure == WriteFailure::kUnavailable) {
    spdlog::warn("command {} {} on grappe {} by {}: unavailable ({})", r.id, r.name, r.grappe,
                 run->user.id, outcome.error().message);
    answer = refused(r.id, unavailable());
  } else {
    // A refusal that could not be recorded is still the answer; events that could not be
    // written are not.
    answer = run->mine && !run->mine->acked() ? *run->mine : refused(r.id, internal_error());
  }
  metrics_.command(std::string(answer->outcome()));
  const auto* rejection = answer->rejection();
  spdlog::info("command {} {} on grappe {} by {}: {}{}{}", r.id, r.name, r.grappe, run->user.id,
               answer->outcome(), rejection ? " (" + rejection->message + ")" : "",
               repeated ? " (repeated: first answer returned)" : "");
  run->done(std::move(*answer));
}

}  // namespace grappe::server
