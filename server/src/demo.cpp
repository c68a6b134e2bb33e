// The demo world of ./tools/run: users of every role with fixed tokens, and two grappes in
// progress with a history, all made through the ordinary command path.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <map>

#include "startup.h"
#include "users.h"

namespace grappe::server {

namespace {

constexpr const char* kDemoRegion = "75";  // Nouvelle-Aquitaine

// The organisations of the demo region, largest first.
std::vector<std::string> demo_ogs(const domain::Registry& registry) {
  std::map<std::string, int> counts;
  for (const auto& e : registry.establishments()) {
    if (e.region == kDemoRegion && e.in_scope) ++counts[e.ej];
  }
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [ej, n] : counts) ranked.emplace_back(-n, ej);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> ogs;
  for (const auto& [n, ej] : ranked) ogs.push_back(ej);
  return ogs;
}

domain::User gestionnaire(std::string id, std::string name, std::string og) {
  return domain::User{
      std::move(id), std::move(name), domain::Role::kGestionnaire, {std::move(og)}, {}};
}

bool run(ServerContext& ctx, const domain::User& user, const std::string& id,
         const std::string& grappe, const std::string& name, nlohmann::json payload) {
  std::promise<CommandAnswer> answer;
  ctx.commands.execute(user, CommandRequest{id, grappe, name, std::move(payload), std::nullopt},
                       [&answer](CommandAnswer a) { answer.set_value(std::move(a)); });
  auto a = answer.get_future().get();
  if (!a.acked()) {
    spdlog::warn("demo: {} {} refused: {}", name, id, a.to_json().dump());
    return false;
  }
  return true;
}

std::vector<std::string> establishments_of(const domain::Registry& registry,
                                           const std::string& ej) {
  std::vector<std::string> out;
  for (const auto* e : registry.by_ej(ej)) {
    if (e->region == kDemoRegion && e->in_scope) out.push_back(e->finess);
  }
  return out;
}

void seed_grappe(ServerContext& ctx, const domain::User& porteur, const domain::User& partner,
                 const std::string& grappe, const std::string& title, std::size_t partner_invites,
                 std::size_t partner_accepts) {
  if (ctx.models.grappe(grappe)) return;
  int n = 0;
  auto next_id = [&] { return grappe + "-cmd-" + std::to_string(++n); };
  run(ctx, porteur, next_id(), grappe, "CreateGrappe",
      {{"name", title},
       {"call", "default"},
       {"region", kDemoRegion},
       {"porteur", porteur.og.front()},
       {"description", "Grappe de démonstration : données fictives."},
       {"dui", {{"vendor", "Éditeur Exemple (fictif)"}, {"software", "DUI Démo 3"}}}});
  const auto registry = ctx.registries.current();
  for (const auto& finess : establishments_of(*registry, porteur.og.front())) {
    if (ctx.models.esms(finess).accepted_in("default")) continue;  // in the other demo grappe
    run(ctx, porteur, next_id(), grappe, "InviteEstablishment", {{"finess", finess}});
  }
  auto theirs = establishments_of(*registry, partner.og.front());
  theirs.resize(std::min(theirs.size(), partner_invites));
  for (const auto& finess : theirs) {
    run(ctx, porteur, next_id(), grappe, "InviteEstablishment",
        {{"finess", finess}, {"message", "Nous vous proposons de rejoindre notre grappe."}});
  }
  for (std::size_t i = 0; i < theirs.size() && i < partner_accepts; ++i) {
    run(ctx, partner, next_id(), grappe, "AcceptInvitation", {{"finess", theirs[i]}});
  }
  if (theirs.size() > partner_accepts) {
    run(ctx, partner, next_id(), grappe, "DeclineInvitation",
        {{"finess", theirs.back()}, {"reason", "Nous avons déjà choisi un autre logiciel."}});
  }
  run(ctx, partner, next_id(), grappe, "PostComment",
      {{"text", "Bonjour, nous étudions votre proposition en comité de direction."}});
  run(ctx, porteur, next_id(), grappe, "RequestValidation", nlohmann::json::object());
}

}  // namespace

std::vector<DemoUser> demo_users(const domain::Registry& registry) {
  std::vector<DemoUser> users;
  auto ogs = demo_ogs(registry);
  const char* names[][3] = {{"claire", "Claire Martin", "demo-claire"},
                            {"karim", "Karim Benali", "demo-karim"},
                            {"sophie", "Sophie Lefèvre", "demo-sophie"}};
  for (std::size_t i = 0; i < ogs.size() && i < 3; ++i) {
    users.push_back({gestionnaire(names[i][0], names[i][1], ogs[i]), names[i][2]});
  }

  users.push_back({domain::User{"ars-na",
                                "Hélène Durand (ARS Nouvelle-Aquitaine)",
                                domain::Role::kArs,
                                {},
                                {kDemoRegion}},
                   "demo-ars"});
  users.push_back({domain::User{"auditeur", "Paul Moreau (audit)", domain::Role::kAuditor, {}, {}},
                   "demo-auditeur"});
  users.push_back(
      {domain::User{"admin", "Administratrice", domain::Role::kAdmin, {}, {}}, "demo-admin"});
  // Fictitious addresses, so that ./tools/run --smtp … shows real messages in a local sink.
  for (auto& d : users) d.user.email = d.user.id + "@exemple.fr";
  return users;
}

std::vector<DemoUser> active_demo_users(const ServerContext& ctx,
                                        const std::vector<DemoUser>& users) {
  std::vector<DemoUser> active;
  for (const auto& d : users) {
    auto found = ctx.models.user_by_token_hash(sha256_hex(d.token));
    if (found && found->id == d.user.id) active.push_back({*found, d.token});
  }
  return active;
}

void seed_demo(ServerContext& ctx, const std::vector<DemoUser>& users) {
  std::vector<UserSeed> seeds;
  for (const auto& d : users) {
    // Missing, or saved before demo users had an address (their preference kept).
    auto current = ctx.models.user(d.user.id);
    if (!current || current->email.empty()) {
      seeds.push_back({d.user, d.token, nlohmann::json::object({{"email", d.user.email}})});
    }
  }
  apply_users(ctx, seeds);
  std::vector<const domain::User*> g;
  for (const auto& d : users) {
    if (d.user.role == domain::Role::kGestionnaire) g.push_back(&d.user);
  }
  if (g.size() < 2) {
    spdlog::warn("demo: the registry has too few organisations in region {} for demo grappes",
                 kDemoRegion);
    return;
  }
  seed_grappe(ctx, *g[0], *g[1], "demo-grappe-sud-ouest", "Grappe DUI Sud-Ouest (démo)", 6, 4);
  if (g.size() >= 3) {
    seed_grappe(ctx, *g[1], *g[2], "demo-grappe-landes", "Grappe Landes-Béarn (démo)", 3, 1);
  }
  spdlog::info("demo: users and grappes ready");
}

}  // namespace grappe::server
