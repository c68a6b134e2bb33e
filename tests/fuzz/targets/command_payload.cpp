// A command's payload, as domain::parse_command reads it for every command of PROTOCOL.md. The
// input is the command's name on the first line and the payload's JSON after it
// ("PostComment\n{\"text\":\"Bonjour\"}"). A refusal must serialise (its message never repeats
// invalid bytes); an accepted command keeps its name and its texts within their limits.
#include <nlohmann/json.hpp>
#include <variant>

#include "fuzz_target.h"
#include "grappe/domain/commands.h"
#include "grappe/domain/finess.h"
#include "grappe/domain/rejection.h"

namespace {

using namespace grappe::domain;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

// The texts of an accepted command: they go into its events and out to clients as JSON.
nlohmann::json texts_of(const Command& command) {
  using J = nlohmann::json;
  auto dui = [](const std::optional<Dui>& d) { return d ? J{d->vendor, d->software} : J(); };
  return std::visit(Overloaded{
                        [&](const CreateGrappe& c) {
                          GRAPPE_FUZZ_CHECK(valid_finess_strict(c.porteur));
                          return J{c.name, c.call, c.region, c.porteur, c.description, dui(c.dui)};
                        },
                        [&](const UpdateDetails& c) {
                          return J{c.name.value_or(""), c.description.value_or(""), dui(c.dui)};
                        },
                        [](const InviteEstablishment& c) {
                          return J{c.finess, c.message};
                        },
                        [](const RevokeInvitation& c) { return J{c.finess}; },
                        [](const AcceptInvitation& c) { return J{c.finess}; },
                        [](const DeclineInvitation& c) {
                          return J{c.finess, c.reason};
                        },
                        [](const WithdrawMembership& c) {
                          return J{c.finess, c.reason};
                        },
                        [](const RemoveMember& c) {
                          return J{c.finess, c.reason};
                        },
                        [](const PostComment& c) {
                          GRAPPE_FUZZ_CHECK(!c.text.empty());
                          return J{c.text};
                        },
                        [](const ReopenDossier& c) { return J{c.reason}; },
                        [](const RecordDecision& c) {
                          return J{c.accepted, c.comment};
                        },
                        [](const auto&) { return J::array(); },
                    },
                    command);
}

}  // namespace

GRAPPE_FUZZ_TARGET(command_payload) {
  auto text = grappe::fuzz::as_text(data, size);
  auto newline = text.find('\n');
  if (newline == std::string_view::npos || newline > 64) return -1;
  auto name = text.substr(0, newline);
  auto payload = nlohmann::json::parse(text.substr(newline + 1), nullptr, false);
  if (payload.is_discarded()) return -1;
  auto command = parse_command(name, payload);
  if (!command) {
    GRAPPE_FUZZ_CHECK(command.error().code == RejectionCode::kBadRequest);
    (void)nlohmann::json{{"code", to_string(command.error().code)},
                         {"message", command.error().message}}
        .dump();
    return 0;
  }
  GRAPPE_FUZZ_CHECK(command_name(*command) == name);
  (void)texts_of(*command).dump();
  return 0;
}
