// What the server reads before it opens the log (so that a bad file changes nothing), and what
// it writes once the read models are live: users of --users, the demo world.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "grappe/domain/config.h"
#include "grappe/domain/registry.h"
#include "options.h"
#include "registries.h"
#include "server_context.h"
#include "static_files.h"
#include "users_file.h"

namespace grappe::server {

// A bad option or an unreadable/invalid input file: main() prints it on one line, exits 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Inputs {
  LoadedRegistry registry;  // moved into the server's Registries
  domain::CallConfig config;
  std::vector<UserSeed> users;  // from --users
  StaticFiles web;              // the files of --web-root
};

// Throws InputError.
Inputs load_inputs(const Options& options);

// Creates or updates the users of --users (only those that changed). Blocks until applied.
void apply_users(ServerContext& ctx, const std::vector<UserSeed>& users);

// The demo users (fixed tokens, printed at start) for `registry`.
std::vector<DemoUser> demo_users(const domain::Registry& registry);
// Saves the demo users that are missing and creates the demo grappes that do not exist, through
// the ordinary command path. Blocks until done.
void seed_demo(ServerContext& ctx, const std::vector<DemoUser>& users);
// The demo users whose demo token still works in this store.
std::vector<DemoUser> active_demo_users(const ServerContext& ctx,
                                        const std::vector<DemoUser>& users);

}  // namespace grappe::server
