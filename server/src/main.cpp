// grappe-server: the Grappe HTTP + WebSocket server (PROTOCOL.md, "Operating the server").
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "allocator.h"
#include "io_pool.h"
#include "listener.h"
#include "notifier.h"
#include "projector.h"
#include "registry_load.h"
#include "server_context.h"
#include "signin.h"
#include "startup.h"
#include "version.h"
#include "ws_protocol.h"

namespace net = boost::asio;
using namespace grappe::server;

namespace {

constexpr int kExitBadInput = 2;

// The limits' options (PROTOCOL.md v2), and what is known of them only once parsed.
struct LimitFlags {
  CLI::Option* per_ip = nullptr;
  CLI::Option* rate = nullptr;
  CLI::Option* auth = nullptr;
  CLI::Option* signins = nullptr;
  std::vector<std::string> proxies;
};

LimitFlags add_limit_options(CLI::App& app, Options& o) {
  LimitFlags flags;
  auto& lim = o.limits;
  app.add_option("--max-connections", lim.max_connections,
                 "open connections in all; beyond, 503 or no upgrade")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  flags.per_ip = app.add_option("--max-connections-per-ip", lim.max_connections_per_ip,
                                "open connections per client address (loopback exempt unless "
                                "given)")
                     ->capture_default_str()
                     ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  flags.rate = app.add_option("--command-rate", lim.command_rate,
                              "commands per second per connection, after a burst of 200 "
                              "(loopback exempt unless given)")
                   ->capture_default_str()
                   ->check(CLI::Range(0.1, 100000.0));
  flags.auth = app.add_option("--auth-failures", lim.auth_failures,
                              "failed authentications per address and minute before 429/4429 "
                              "(loopback exempt unless given)")
                   ->capture_default_str()
                   ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  flags.signins = app.add_option("--signins-per-minute", lim.signins,
                                 "/auth/login and /auth/callback per address and minute before "
                                 "429 (loopback exempt unless given)")
                      ->capture_default_str()
                      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--trusted-proxy", flags.proxies,
                 "address of a reverse proxy whose X-Forwarded-For names the client; repeatable");
  app.add_option("--allowed-origin", o.allowed_origins,
                 "a WebSocket Origin accepted besides the server's own, e.g. "
                 "https://grappe.example.fr; repeatable");
  app.add_option("--hello-timeout", o.hello_timeout,
                 "seconds a WebSocket may stay without a successful hello (then 4401)")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  return flags;
}

// After parsing: which limits were given, the burst, the proxies' addresses, the origins.
void finish_limit_options(const LimitFlags& flags, Options& o) {
  auto& lim = o.limits;
  lim.per_ip_given = flags.per_ip->count() > 0;
  lim.command_rate_given = flags.rate->count() > 0;
  lim.auth_failures_given = flags.auth->count() > 0;
  lim.signins_given = flags.signins->count() > 0;
  lim.command_burst = std::max(200.0, 4 * lim.command_rate);
  for (const auto& p : flags.proxies) {
    boost::system::error_code ec;
    lim.trusted_proxies.push_back(net::ip::make_address(p, ec));
    if (ec) {
      std::cerr << "grappe-server: --trusted-proxy expects an IP address, not " << p << "\n";
      std::exit(kExitBadInput);
    }
  }
  for (auto& origin : o.allowed_origins) {
    if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
      std::cerr << "grappe-server: --allowed-origin expects scheme://host[:port], not " << origin
                << "\n";
      std::exit(kExitBadInput);
    }
    while (origin.ends_with('/')) origin.pop_back();
  }
}

// Parses argv into `options`; exits (0 for --help, 2 for a bad option) when it cannot.
Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{"Grappe server: live co-editing of grappes (Programme ESMS numérique)",
               "grappe-server"};
  std::string listen = "127.0.0.1:8080";
  std::string data;
  bool demo = false, no_demo = false;
  app.add_option("--data", data, "RocksDB directory, created if missing (default ./var/data)");
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option(
         "--registry", o.registries,
         "establishments file (FINESS+ JSON, plain or .gz; FINESS extract; CSV); repeatable; "
         "default: demo registry")
      ->check(CLI::ExistingFile);
  app.add_option("--users", o.users, "JSON users file, created or updated at start")
      ->check(CLI::ExistingFile);
  app.add_option("--config", o.config, "JSON calls configuration")->check(CLI::ExistingFile);
  auto* demo_flag = app.add_flag("--demo", demo, "seed demo users and grappes");
  app.add_flag("--no-demo", no_demo, "do not seed demo data")->excludes(demo_flag);
  app.add_option("--web-root", o.web_root, "directory of the web client's files")
      ->check(CLI::ExistingDirectory);
  app.add_option("--max-frame", o.max_frame, "largest WebSocket message accepted, in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{16} << 20));
  app.add_option("--send-queue", o.send_queue, "frames queued per WebSocket before closing 4408")
      ->check(CLI::Range(std::size_t{16}, std::size_t{1} << 20));
  app.add_option("--threads", o.threads, "network threads")->check(CLI::Range(1, 64));
  app.add_option("--keepalive", o.keepalive,
                 "seconds of silence before a WebSocket peer is pinged; dropped when silent "
                 "as long again")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  auto limit_flags = add_limit_options(app, o);
  app.add_option("--log-key", o.log_key,
                 "the checkpoints' Ed25519 key (PRIVATE+KEY+… note format, mode 0600); default "
                 "<data>/log-key, created when missing")
      ->check(CLI::ExistingFile);
  app.add_option("--log-origin", o.log_origin,
                 "the log's name in its checkpoints (default: the key's, grappe/<data folder id>)");
  app.add_option("--checkpoint-interval", o.checkpoint_interval,
                 "seconds between signed checkpoints while the log grows")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 86400.0));
  std::string tree = "on";
  app.add_option("--merkle-tree", tree,
                 "benchmarks only: off appends without the Merkle tree and signs no checkpoint "
                 "(the tree catches up at the next start with it on)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--witness-key-file", o.witness_key_files,
                 "file of witness verifier keys (<name>+<id>+<base64>, type 0x04) whose "
                 "cosignatures are accepted; repeatable")
      ->check(CLI::ExistingFile);
  app.add_option("--smtp", o.smtp,
                 "send e-mail notifications through smtp://HOST:PORT or smtps://HOST:PORT "
                 "(STARTTLS when offered); none without it");
  app.add_option("--mail-from", o.mail_from, "the notifications' sender address")
      ->capture_default_str();
  app.add_option("--public-url", o.public_url,
                 "the web client's address, for links in e-mails (default: the listen URL)");
  app.add_option("--digest-hour", o.digest_hour,
                 "hour (Europe/Paris) of the daily digest for users who chose it")
      ->capture_default_str()
      ->check(CLI::Range(0, 23));
  std::string idle = "8h", max = "7d";
  app.add_option("--oidc-issuer", o.oidc_issuer,
                 "OpenID Connect provider (issuer URL) for signing in; none without it");
  app.add_option("--oidc-client-id", o.oidc_client_id, "this server's client id at the provider");
  app.add_option("--oidc-client-secret-file", o.oidc_client_secret_file,
                 "file holding the client secret")
      ->check(CLI::ExistingFile);
  app.add_option("--session-idle", idle, "a sign-in session ends after this long without a request")
      ->capture_default_str();
  app.add_option("--session-max", max, "a sign-in session ends this long after it began")
      ->capture_default_str();
  app.set_version_flag("--version", kServerVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << "grappe-server: " << e.what() << " (see --help)\n";
    std::exit(kExitBadInput);
  }
  o.merkle_tree = tree == "on";
  if (!parse_listen(listen, o.host, o.port)) {
    std::cerr << "grappe-server: --listen expects HOST:PORT, e.g. 127.0.0.1:8080\n";
    std::exit(kExitBadInput);
  }
  finish_limit_options(limit_flags, o);
  if (!o.smtp.empty() && !o.smtp.starts_with("smtp://") && !o.smtp.starts_with("smtps://")) {
    std::cerr << "grappe-server: --smtp expects smtp://HOST:PORT or smtps://HOST:PORT\n";
    std::exit(kExitBadInput);
  }
  if (!grappe::domain::valid_email(o.mail_from)) {
    std::cerr << "grappe-server: --mail-from expects an e-mail address\n";
    std::exit(kExitBadInput);
  }
  while (o.public_url.ends_with('/')) o.public_url.pop_back();
  if (auto checked = finish_signin_options(o, idle, max); !checked) {
    std::cerr << "grappe-server: " << checked.error() << "\n";
    std::exit(kExitBadInput);
  }
  if (!data.empty()) {
    o.data = data;
    o.data_is_default = false;
  }
  if (demo) o.demo = true;
  if (no_demo) o.demo = false;
  return o;
}

bool store_is_empty(const std::filesystem::path& dir) {
  std::error_code ec;
  return !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
}

void print_banner(const ServerContext& ctx, const std::string& url) {
  if (ctx.demo_users.empty()) {
    std::cerr << "Grappe is ready at " << url << " (no demo users)\n";
    return;
  }
  std::cerr << "\nGrappe is ready: open " << url << " and sign in as one of the demo users\n"
            << "(pick one on the sign-in page, or paste the token):\n";
  for (const auto& d : ctx.demo_users) {
    std::fprintf(stderr, "  %-42s %-13s token %s\n", d.user.name.c_str(),
                 std::string(grappe::domain::to_string(d.user.role)).c_str(), d.token.c_str());
  }
  std::cerr << std::endl;
}

int serve(const Options& options, Inputs& inputs) {
  bool demo = options.demo.value_or(options.data_is_default && store_is_empty(options.data));
  std::error_code ec;
  std::filesystem::create_directories(options.data, ec);
  // Signals are caught from here on: a SIGTERM during the start (or right after the listening
  // line) waits for the loop below and still ends in a clean stop.
  IoPool io(options.threads);
  net::signal_set signals(io.main(), SIGINT, SIGTERM);
  grappe::es::StoreOptions store_options;
  store_options.merkle_tree = options.merkle_tree;
  std::uint64_t reported = 0;
  store_options.tree_progress = [&reported](std::uint64_t done, std::uint64_t total) {
    if (done == total || done >= reported + 1000000) {
      spdlog::info("Merkle tree of the log: {} of {} records added", done, total);
      reported = done;
    }
  };
  auto opened = grappe::es::Store::open(options.data, store_options);
  if (!opened) {
    std::cerr << "grappe-server: " << opened.error().message << "\n";
    return 1;
  }
  auto store = std::move(*opened);
  TransparencyOptions log_options{
      options.data, options.log_key, options.log_origin,
      std::chrono::milliseconds(static_cast<long>(options.checkpoint_interval * 1000)),
      options.witness_key_files};
  auto log_key = load_log_key(log_options);
  auto witnesses = load_witness_keys(options.witness_key_files);
  if (!log_key || !witnesses) {
    std::cerr << "grappe-server: " << (log_key ? witnesses.error() : log_key.error()) << "\n";
    return kExitBadInput;
  }
  TransparencyLog tlog(*store, std::move(*log_key), std::move(*witnesses), log_options.interval);
  ReadModels models;
  Hub hub;
  Metrics metrics;
  EventWriter writer(*store, models, metrics);
  Registries registries(std::move(inputs.registry), upload_loader(), metrics.registry());
  remove_unfinished_uploads(options.data);
  CommandService commands(writer, models, registries, inputs.config, metrics);
  Projector projector(*store, models, hub);
  net::thread_pool background(1);
  net::thread_pool readers(2);
  Limits limits(options.limits, metrics.registry());
  ServerContext ctx{options, *store,   registries, inputs.config, models,  hub,        projector,
                    writer,  commands, metrics,    background,    readers, inputs.web, limits,
                    tlog,    {},       {}};
  projector.start();
  if (options.merkle_tree) tlog.start();
  apply_users(ctx, inputs.users);
  auto demo_list = demo_users(*registries.current());
  if (demo) seed_demo(ctx, demo_list);
  ctx.demo_users = active_demo_users(ctx, demo_list);

  auto address = net::ip::make_address(options.host);
  auto listener =
      std::make_shared<Listener>(io, net::ip::tcp::endpoint{address, options.port}, ctx);
  auto endpoint = listener->local_endpoint();
  auto host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                         : endpoint.address().to_string();
  auto url = "http://" + host + ":" + std::to_string(endpoint.port());
  print_banner(ctx, url);
  std::optional<Notifier> notifier;
  if (!options.smtp.empty()) {
    notifier.emplace(*store, models, metrics.registry(),
                     NotifierOptions{options.smtp, options.mail_from,
                                     options.public_url.empty() ? url : options.public_url,
                                     options.digest_hour});
    notifier->start();
    ctx.notifier = &*notifier;
  }
  auto signin = make_signin(options, *store, url);
  ctx.signin = signin.get();
  if (signin) {  // a session ended for idleness or age closes its WebSockets
    signin->sessions.on_expired = [&ctx](const std::string& hash) {
      ctx.sessions.close_browser_session(hash, kCloseUnauthorized);
    };
  }
  listener->run();  // after ctx is complete
  std::cout << "listening on " << url << std::endl;
  spdlog::info("listening on {} (data {})", url, options.data.string());

  net::steady_timer grace(io.main());
  signals.async_wait([&](boost::system::error_code, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    listener->stop();
    ctx.sessions.close_all(1001);
    grace.expires_after(std::chrono::milliseconds(500));
    grace.async_wait([&](boost::system::error_code) { io.stop(); });
  });
  io.run();
  registries.stop();  // a load in progress ends without answering: its connection is gone
  background.join();
  readers.join();
  if (signin) signin->oidc.stop();  // its calls in flight end before the store closes
  if (notifier) notifier->stop();
  projector.stop();
  tlog.stop();
  writer.stop();  // before the store it watches closes
  store.reset();  // finishes queued appends, closes RocksDB
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  auto logger = spdlog::stderr_color_mt("grappe");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::info("allocator: {}", grappe::allocator_description());
  Inputs inputs;
  try {
    inputs = load_inputs(options);
  } catch (const InputError& e) {
    std::cerr << "grappe-server: " << e.what() << "\n";
    return kExitBadInput;
  }
  try {
    return serve(options, inputs);
  } catch (const std::exception& e) {
    std::cerr << "grappe-server: " << e.what() << "\n";
    return 1;
  }
}
