// The WebSocket protocol without sockets: handle_client_message() and friends over an in-process
// server (a real store, read models, hub and command service) and a link that records frames.
// The test thread plays the connection's strand.
#include "ws_protocol.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <set>

#include "command_service.h"
#include "projector.h"
#include "registry_load.h"
#include "support.h"
#include "users.h"

namespace grappe::test {
namespace {

using namespace std::chrono_literals;
using server::ClientContext;
using server::Frame;
using json = nlohmann::json;

// A server in this process, on a fresh data folder, with the porteur and an auditor as users.
struct InProcess {
  explicit InProcess(server::LimitOptions limits = {}) {
    options.data = dir.path / "data";
    options.limits = limits;
    options.hello_timeout = 1;
    auto opened = es::Store::open(options.data);
    if (!opened) throw std::runtime_error(opened.error().message);
    store = std::move(*opened);
    auto loaded = server::load_registry_files({GRAPPE_DEMO_REGISTRY}, true, {});
    if (!loaded) throw std::runtime_error("registry: " + loaded.error());
    registries.emplace(std::move(*loaded), server::upload_loader(), metrics.registry());
    writer.emplace(*store, models, metrics);
    commands.emplace(*writer, models, *registries, config, metrics);
    projector.emplace(*store, models, hub);
    limits_.emplace(options.limits, metrics.registry());
    tlog.emplace(*store, *tlog::SigningKey::generate("grappe/test", tlog::kNoteKey),
                 std::vector<tlog::VerifierKey>{}, std::chrono::seconds(1));
    // Parenthesised aggregate initialisation: ServerContext holds a mutex and cannot move.
    ctx.emplace(options, *store, *registries, config, models, hub, *projector, *writer, *commands,
                metrics, background, readers, files, *limits_, *tlog);
    projector->start();
    add_user({"porteur", "Porteur", domain::Role::kGestionnaire, {kOgPorteur}, {}});
    add_user({"auditor", "Auditrice", domain::Role::kAuditor, {}, {}});
  }
  ~InProcess() {
    background.join();
    readers.join();
  }
  void add_user(const domain::User& user) {
    std::promise<bool> saved;
    server::save_user(*writer, user, server::sha256_hex(token(user.id)), user,
                      [&](const server::WriteOutcome& o) { saved.set_value(o.has_value()); });
    if (!saved.get_future().get()) throw std::runtime_error("user not saved");
  }

  TempDir dir;
  server::Options options;
  std::unique_ptr<es::Store> store;
  domain::CallConfig config = domain::CallConfig::builtin();
  server::ReadModels models;
  server::Hub hub;
  server::Metrics metrics;
  std::optional<server::Registries> registries;
  std::optional<server::EventWriter> writer;
  std::optional<server::CommandService> commands;
  std::optional<server::Projector> projector;
  boost::asio::thread_pool background{1};
  boost::asio::thread_pool readers{1};
  server::StaticFiles files;
  std::optional<server::Limits> limits_;
  std::optional<server::TransparencyLog> tlog;
  std::optional<server::ServerContext> ctx;
};

// A connection's link that records what the protocol sends; strand work queues for the test.
class Link : public server::ClientLink,
             public server::Subscriber,
             public std::enable_shared_from_this<Link> {
 public:
  bool send(Frame frame, bool) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    sent_.push_back(json::parse(*frame));
    cv_.notify_all();
    return true;
  }
  void close(int code) override {
    std::lock_guard lock(mu_);
    if (!closed_) closed_ = code;
  }
  void signed_in(const domain::User& user) override { signed_in_ = user.id; }
  std::shared_ptr<server::Subscriber> subscriber() override { return shared_from_this(); }
  std::function<void(Frame)> sender() override {
    return [self = shared_from_this()](Frame f) { self->deliver(std::move(f)); };
  }
  void on_strand(std::function<void(ClientContext&)> fn) override {
    std::lock_guard lock(mu_);
    strand_.push_back(std::move(fn));
    cv_.notify_all();
  }
  void deliver_event(const std::string& grappe, std::uint64_t version, Frame frame) override {
    std::lock_guard lock(mu_);
    inbox_.push_back({std::move(frame), grappe, version});
    cv_.notify_all();
  }
  void deliver(Frame frame) override { deliver_event({}, 0, std::move(frame)); }

  // Runs queued strand work and deliveries until `done(sent)` holds (≤ 10 s).
  template <class Pred>
  bool run_until(ClientContext& ctx, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::unique_lock lock(mu_);
    while (!done(sent_)) {
      if (strand_.empty() && inbox_.empty() &&
          !cv_.wait_until(lock, deadline, [&] { return !strand_.empty() || !inbox_.empty(); })) {
        return done(sent_);
      }
      auto work = std::exchange(strand_, {});
      auto items = std::exchange(inbox_, {});
      lock.unlock();
      for (auto& fn : work) fn(ctx);
      server::deliver(ctx, items);
      lock.lock();
    }
    return true;
  }
  // The first frame of `type` not taken yet (waits for it): frames of one type come in the
  // order sent; an `ack` and its `event` in either order.
  json next(ClientContext& ctx, const std::string& type) {
    std::optional<std::size_t> at;
    auto find = [&](const std::vector<json>& sent) {
      for (std::size_t i = 0; i < sent.size(); ++i) {
        if (!taken_.contains(i) && sent[i]["type"] == type) return at = i, true;
      }
      return false;
    };
    EXPECT_TRUE(run_until(ctx, find)) << "no " << type << " frame";
    if (!at) return json();
    std::lock_guard lock(mu_);
    taken_.insert(*at);
    return sent_[*at];
  }
  int closed() {
    std::lock_guard lock(mu_);
    return closed_;
  }
  std::string signed_in_;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<json> sent_;
  std::set<std::size_t> taken_;
  int closed_ = 0;
  std::vector<std::function<void(ClientContext&)>> strand_;
  std::vector<server::Delivery> inbox_;
};

class WsProtocol : public ::testing::Test {
 protected:
  explicit WsProtocol(server::LimitOptions limits = {}) : world_(limits) {}
  void say(const json& msg) { server::handle_client_message(ctx_, msg.dump()); }
  void hello(const std::string& user) {
    say({{"type", "hello"}, {"token", token(user)}});
    EXPECT_EQ(link_->next(ctx_, "welcome")["user"]["id"], user);
  }
  json command(const std::string& grappe, const std::string& name, const json& payload) {
    const auto id = new_id();
    say({{"type", "command"},
         {"id", id},
         {"grappe", grappe},
         {"name", name},
         {"payload", payload}});
    return link_->next(ctx_, "ack");
  }
  std::string create_grappe() {
    const auto grappe = new_id();
    auto ack = command(
        grappe, "CreateGrappe",
        {{"name", "Grappe"}, {"call", "default"}, {"region", "75"}, {"porteur", kOgPorteur}});
    EXPECT_EQ(ack["version"], 1);
    return grappe;
  }

  InProcess world_;
  std::shared_ptr<Link> link_ = std::make_shared<Link>();
  server::ClientState state_{
      boost::asio::ip::make_address("192.0.2.1"),
      world_.limits_->command_bucket(boost::asio::ip::make_address("192.0.2.1")),
      {},
      {},
      0};
  ClientContext ctx_{*world_.ctx, state_, *link_};
};

TEST_F(WsProtocol, AnythingButAGoodHelloFirstCloses4401) {
  say({{"type", "subscribe"}, {"grappe", "g"}});
  EXPECT_EQ(link_->next(ctx_, "error")["code"], "unauthorized");
  EXPECT_EQ(link_->closed(), server::kCloseUnauthorized);
  EXPECT_FALSE(state_.user);
}

TEST_F(WsProtocol, ABadTokenOrBadJsonBeforeHelloCloses4401) {
  say({{"type", "hello"}, {"token", "not-a-token"}});
  EXPECT_EQ(link_->next(ctx_, "error")["code"], "unauthorized");
  EXPECT_EQ(link_->closed(), server::kCloseUnauthorized);

  auto other = std::make_shared<Link>();
  server::ClientState state{state_.address, {}, {}, {}, 0};
  ClientContext ctx{*world_.ctx, state, *other};
  server::handle_client_message(ctx, "{\"type\":\"hello\",\"token\":\"\\ud800\"}");
  EXPECT_EQ(other->next(ctx, "error")["code"], "bad_request");
  EXPECT_EQ(other->closed(), server::kCloseUnauthorized);
}

TEST_F(WsProtocol, HelloWelcomesThenPingUnknownAndRepeatedHello) {
  hello("porteur");
  EXPECT_EQ(link_->signed_in_, "porteur");
  say({{"type", "ping"}});
  link_->next(ctx_, "pong");
  say({{"type", "dance"}});
  EXPECT_EQ(link_->next(ctx_, "error")["code"], "bad_request");
  say({{"type", "hello"}, {"token", token("porteur")}});
  EXPECT_EQ(link_->next(ctx_, "error")["message"], "already signed in");
  server::handle_binary_message(ctx_);
  EXPECT_EQ(link_->next(ctx_, "error")["code"], "bad_request");
  EXPECT_EQ(link_->closed(), 0);
}

TEST_F(WsProtocol, HelloTimeoutClosesOnlyBeforeHello) {
  server::handle_hello_timeout(ctx_);
  EXPECT_EQ(link_->closed(), server::kCloseUnauthorized);
  auto other = std::make_shared<Link>();
  server::ClientState state{state_.address, {}, {}, {}, 0};
  ClientContext ctx{*world_.ctx, state, *other};
  server::handle_client_message(ctx, json{{"type", "hello"}, {"token", token("auditor")}}.dump());
  other->next(ctx, "welcome");
  server::handle_hello_timeout(ctx);
  EXPECT_EQ(other->closed(), 0);
}

TEST_F(WsProtocol, CommandsAnswerThroughTheSenderAndEventsFollowTheSnapshot) {
  hello("porteur");
  const auto grappe = create_grappe();
  say({{"type", "subscribe"}, {"grappe", grappe}});
  auto snapshot = link_->next(ctx_, "snapshot");
  EXPECT_EQ(snapshot["version"], 1);
  EXPECT_EQ(command(grappe, "PostComment", {{"text", "bonjour"}})["version"], 2);
  auto event = link_->next(ctx_, "event");
  EXPECT_EQ(event["version"], 2);
  EXPECT_EQ(event["grappe"], grappe);
  // A refused command is answered `rejected`, with the id.
  const auto id = new_id();
  say({{"type", "command"},
       {"id", id},
       {"grappe", new_id()},
       {"name", "PostComment"},
       {"payload", {{"text", "x"}}}});
  auto refused = link_->next(ctx_, "rejected");
  EXPECT_EQ(refused["id"], id);
  EXPECT_EQ(refused["code"], "not_found");
}

TEST_F(WsProtocol, CatchUpSendsTheMissedEventsInOrderBeforeLiveOnes) {
  hello("porteur");
  const auto grappe = create_grappe();
  for (int i = 0; i < 5; ++i) command(grappe, "PostComment", {{"text", std::to_string(i)}});
  say({{"type", "subscribe"}, {"grappe", grappe}, {"fromVersion", 2}});
  // A live event arriving while the catch-up reads the log waits for it.
  EXPECT_EQ(command(grappe, "PostComment", {{"text", "live"}})["version"], 7);
  for (std::uint64_t v = 3; v <= 7; ++v) EXPECT_EQ(link_->next(ctx_, "event")["version"], v);
  say({{"type", "ping"}});
  link_->next(ctx_, "pong");
}

TEST_F(WsProtocol, SubscribeRefusesUnknownGrappesAndPresenceNeedsASubscription) {
  hello("porteur");
  // The error names the grappe asked for (README "Extensions"), when its id is well-formed.
  const auto unknown = new_id();
  say({{"type", "subscribe"}, {"grappe", unknown}});
  auto refused = link_->next(ctx_, "error");
  EXPECT_EQ(refused["code"], "not_found");
  EXPECT_EQ(refused["grappe"], unknown);
  say({{"type", "subscribe"}, {"grappe", "bad id"}});
  refused = link_->next(ctx_, "error");
  EXPECT_EQ(refused["code"], "bad_request");
  EXPECT_FALSE(refused.contains("grappe"));
  const auto elsewhere = new_id();
  say({{"type", "presence"}, {"grappe", elsewhere}, {"status", "editing"}});
  refused = link_->next(ctx_, "error");
  EXPECT_EQ(refused["code"], "bad_request");
  EXPECT_EQ(refused["grappe"], elsewhere);
  const auto grappe = create_grappe();
  say({{"type", "subscribe"}, {"grappe", grappe}});
  link_->next(ctx_, "snapshot");
  say({{"type", "presence"}, {"grappe", grappe}, {"status", "editing"}});
  auto presence = link_->next(ctx_, "presence");
  say({{"type", "unsubscribe"}, {"grappe", grappe}});
  EXPECT_EQ(link_->next(ctx_, "unsubscribed")["grappe"], grappe);
}

class WsProtocolRate : public WsProtocol {
 protected:
  WsProtocolRate() : WsProtocol(limits()) {}
  static server::LimitOptions limits() {
    server::LimitOptions l;
    l.command_rate = 0.001;
    l.command_burst = 2;
    l.command_rate_given = true;
    return l;
  }
};

TEST_F(WsProtocolRate, CommandsOverTheConnectionsRateAreRateLimited) {
  hello("porteur");
  const auto grappe = create_grappe();
  command(grappe, "PostComment", {{"text", "1"}});
  const auto id = new_id();
  say({{"type", "command"},
       {"id", id},
       {"grappe", grappe},
       {"name", "PostComment"},
       {"payload", {{"text", "2"}}}});
  auto refused = link_->next(ctx_, "rejected");
  EXPECT_EQ(refused["code"], "rate_limited");
  EXPECT_EQ(refused["id"], id);
}

}  // namespace
}  // namespace grappe::test
