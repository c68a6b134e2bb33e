// E-mail notifications (PROTOCOL.md v2): a real SMTP server on loopback (Debian's
// python3-aiosmtpd, each message written to a folder) receives what the notifier sends.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "grappe/eventstore/record.h"
#include "notifier.h"
#include "support.h"
#include "support/loopback.h"
#include "support/process.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using boost::beast::http::verb;

constexpr const char* kSinkScript = R"(import os
class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.n = 0
    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])
    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        name = os.path.join(self.folder, "%d-%d.eml" % (os.getpid(), self.n))
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Envelope-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 OK"
)";

struct Message {
  std::string to, message_id, subject, text;
};

// aiosmtpd on a loopback port, every message it accepts a file in its folder.
class SmtpSink {
 public:
  SmtpSink() : dir_("smtp"), port_(free_loopback_port()) {
    std::ofstream(dir_.path / "grappe_sink.py") << kSinkScript;
    fs::create_directories(dir_.path / "mail");
    start();
  }
  ~SmtpSink() { stop(); }
  void start() {
    pid_ = spawn("/usr/bin/env",
                 {"PYTHONPATH=" + dir_.path.string(), "/usr/bin/python3", "-m", "aiosmtpd", "-n",
                  "-l", "127.0.0.1:" + std::to_string(port_), "-c", "grappe_sink.Sink",
                  (dir_.path / "mail").string()},
                 {});
    if (!wait_until([&] { return loopback_accepts(port_); }, 20s, 50ms))
      throw std::runtime_error("aiosmtpd did not start (is python3-aiosmtpd installed?)");
  }
  void stop() {
    if (pid_ > 0) kill_and_reap(pid_);
    pid_ = -1;
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<Message> messages() const {
    std::vector<Message> out;
    for (const auto& entry : fs::directory_iterator(dir_.path / "mail")) {
      if (entry.path().extension() != ".eml") continue;
      Message m;
      m.text = read_file(entry.path());
      auto header = [&](const std::string& name) {
        auto at = m.text.find("\n" + name + ": ");
        if (m.text.starts_with(name + ": "))
          at = 0;
        else if (at != std::string::npos)
          ++at;
        if (at == std::string::npos) return std::string();
        auto from = at + name.size() + 2;
        return m.text.substr(from, m.text.find('\r', from) - from);
      };
      m.to = header("X-Envelope-To");
      m.message_id = header("Message-ID");
      m.subject = header("Subject");
      out.push_back(std::move(m));
    }
    return out;
  }
  std::vector<Message> to(const std::string& address) const {
    std::vector<Message> out;
    for (auto& m : messages())
      if (m.to == address) out.push_back(m);
    return out;
  }

 private:
  TempDir dir_;
  unsigned short port_;
  pid_t pid_ = -1;
};

std::string email(const std::string& id) {
  return id + "@exemple.fr";
}

// Gives the test users their addresses (the admin API), and adds a second gestionnaire of the
// partner's organisation, `partner2`; returns partner2's token.
std::string set_up_users(unsigned short port) {
  auto put = [&](const std::string& id, json body) {
    body["email"] = email(id);
    auto a = http(port, verb::put, "/api/admin/users/" + id, token("admin"), body.dump());
    EXPECT_TRUE(a.status == 200 || a.status == 201) << a.text;
    return a;
  };
  put("porteur", {{"name", "Test porteur"}, {"role", "gestionnaire"}, {"og", {kOgPorteur}}});
  put("partner", {{"name", "Test partner"}, {"role", "gestionnaire"}, {"og", {kOgPartner}}});
  put("ars", {{"name", "Test ars"}, {"role", "ars"}, {"regions", {"75"}}});
  auto created =
      put("partner2",
          {{"name", "Deuxième gestionnaire"}, {"role", "gestionnaire"}, {"og", {kOgPartner}}});
  return created.body.value("token", "");
}

std::string message_id(std::uint64_t position, const std::string& user) {
  return "<" + std::to_string(position) + "." + user + "@grappe>";
}

std::uint64_t position_of(const HttpAnswer& ack, unsigned short port, const std::string& grappe) {
  auto events = get(port,
                    "/api/grappes/" + grappe +
                        "/events?fromVersion=" + std::to_string(ack.body["version"].get<int>() - 1),
                    token("auditor"));
  return events.body["events"][0]["position"].get<std::uint64_t>();
}

TEST(Notify, InviteMailsEachGestionnaireOfTheInvitedEjOnceAndNotTheActor) {
  SmtpSink sink;
  Server server({"--smtp", sink.url(), "--mail-from", "grappe@exemple.fr"});
  auto port = server.port();
  auto partner2 = set_up_users(port);
  auto grappe = create_grappe(port, "Grappe « été »");
  auto ack =
      command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  ASSERT_EQ(ack.status, 200) << ack.text;
  auto p = position_of(ack, port, grappe);
  ASSERT_TRUE(wait_until([&] { return sink.messages().size() >= 2; }, 20s));
  std::this_thread::sleep_for(500ms);  // nothing more comes
  auto all = sink.messages();
  ASSERT_EQ(all.size(), 2u);
  std::map<std::string, std::string> ids;
  for (const auto& m : all) ids[m.to] = m.message_id;
  EXPECT_EQ(ids[email("partner")], message_id(p, "partner"));
  EXPECT_EQ(ids[email("partner2")], message_id(p, "partner2"));
  const auto& text = all.front().text;
  EXPECT_NE(text.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(text.find("text/html; charset=UTF-8"), std::string::npos);

  // Accepted → the porteur's gestionnaires; the actor (partner) and partner2 hear nothing.
  ack = command(port, token("partner"), grappe, "AcceptInvitation", {{"finess", kEtPartner}});
  ASSERT_EQ(ack.status, 200) << ack.text;
  ASSERT_TRUE(wait_until([&] { return sink.to(email("porteur")).size() == 1; }, 20s));
  EXPECT_EQ(sink.to(email("porteur")).front().message_id,
            message_id(position_of(ack, port, grappe), "porteur"));

  // `off`: partner2 hears nothing more; partner still does.
  auto off = http(port, verb::put, "/api/me/preferences", partner2, R"({"notifications":"off"})");
  ASSERT_EQ(off.status, 200) << off.text;
  EXPECT_EQ(off.body["notifications"], "off");
  auto me = get(port, "/api/me", partner2);
  EXPECT_EQ(me.body["notifications"], "off");
  EXPECT_EQ(me.body["email"], email("partner2"));
  ack = command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner2}});
  ASSERT_EQ(ack.status, 200) << ack.text;
  ASSERT_TRUE(wait_until([&] { return sink.to(email("partner")).size() == 2; }, 20s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink.to(email("partner2")).size(), 1u);
  EXPECT_EQ(sink.to(email("porteur")).size(), 1u);

  auto status = get(port, "/api/admin/notifications", token("admin"));
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.body["sent"].size(), 4u);
  EXPECT_EQ(get(port, "/api/admin/notifications", token("porteur")).status, 403);
  auto metrics = get(port, "/metrics");
  EXPECT_NE(metrics.text.find("grappe_notifications_sent_total 4"), std::string::npos);
}

TEST(Notify, EmailsAreUniqueIgnoringCase) {
  Server server;
  auto port = server.port();
  set_up_users(port);
  auto taken = http(port, verb::put, "/api/admin/users/outsider", token("admin"),
                    json{{"name", "x"},
                         {"role", "gestionnaire"},
                         {"og", {kOgOutsider}},
                         {"email", "PARTNER@Exemple.fr"}}
                        .dump());
  EXPECT_EQ(taken.status, 409) << taken.text;
  auto bad =
      http(port, verb::put, "/api/me/preferences", token("partner"), R"({"notifications":"x"})");
  EXPECT_EQ(bad.status, 400);
  // An update that does not state the address keeps it.
  auto kept =
      http(port, verb::put, "/api/admin/users/partner", token("admin"),
           json{{"name", "Renamed"}, {"role", "gestionnaire"}, {"og", {kOgPartner}}}.dump());
  EXPECT_EQ(kept.body["email"], email("partner")) << kept.text;
}

TEST(Notify, SmtpDownCommandsAckedMailsSentWhenBack) {
  SmtpSink sink;
  Server server({"--smtp", sink.url()});
  auto port = server.port();
  set_up_users(port);
  auto grappe = create_grappe(port);
  sink.stop();
  auto began = std::chrono::steady_clock::now();
  auto ack =
      command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
  ASSERT_EQ(ack.status, 200) << ack.text;
  ack = command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner2}});
  ASSERT_EQ(ack.status, 200) << ack.text;
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  ASSERT_TRUE(wait_until(
      [&] {
        return !get(port, "/api/admin/notifications", token("admin")).body["failures"].empty();
      },
      20s));
  sink.start();
  ASSERT_TRUE(wait_until([&] { return sink.messages().size() >= 4; }, 40s, 100ms));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink.messages().size(), 4u);
}

TEST(Notify, KillNineBeforeTheSendMailsAfterRestart) {
  TempDir dir;
  auto data = dir.path / "data";
  SmtpSink sink;
  std::uint64_t p = 0;
  {
    Server server({"--smtp", sink.url()}, data);
    auto port = server.port();
    set_up_users(port);
    auto grappe = create_grappe(port);
    sink.stop();
    auto ack =
        command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", kEtPartner}});
    ASSERT_EQ(ack.status, 200) << ack.text;
    p = position_of(ack, port, grappe);
    server.kill9();
  }
  sink.start();
  Server restarted({"--smtp", sink.url()}, data);
  ASSERT_TRUE(wait_until([&] { return sink.to(email("partner")).size() >= 1; }, 30s, 100ms));
  std::this_thread::sleep_for(500ms);
  for (const auto& m : sink.to(email("partner"))) EXPECT_EQ(m.message_id, message_id(p, "partner"));
  EXPECT_EQ(restarted.terminate(), 0);
}

TEST(Notify, DailyUserGetsOneDigestAndNothingElse) {
  SmtpSink sink;
  Server server({"--smtp", sink.url()});
  auto port = server.port();
  set_up_users(port);
  auto daily = http(port, verb::put, "/api/me/preferences", token("partner"),
                    R"({"notifications":"daily"})");
  ASSERT_EQ(daily.status, 200) << daily.text;
  auto grappe = create_grappe(port);
  for (auto* finess : {kEtPartner, kEtPartner2}) {
    auto ack = command(port, token("porteur"), grappe, "InviteEstablishment", {{"finess", finess}});
    ASSERT_EQ(ack.status, 200) << ack.text;
  }
  ASSERT_TRUE(wait_until([&] { return sink.to(email("partner2")).size() == 2; }, 20s));
  EXPECT_TRUE(sink.to(email("partner")).empty());
  auto digest = http(port, verb::post, "/api/admin/notifications/digest", token("admin"));
  ASSERT_EQ(digest.status, 202) << digest.text;
  ASSERT_TRUE(wait_until([&] { return sink.to(email("partner")).size() == 1; }, 20s));
  auto m = sink.to(email("partner")).front();
  EXPECT_TRUE(m.message_id.starts_with("<digest-")) << m.message_id;
  // Nothing new: a second digest sends nothing; partner2 (immediate) gets no digest.
  ASSERT_EQ(http(port, verb::post, "/api/admin/notifications/digest", token("admin")).status, 202);
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(sink.to(email("partner")).size(), 1u);
  EXPECT_EQ(sink.to(email("partner2")).size(), 2u);
}

// The digest's clock: Europe/Paris, CET in winter, CEST from the last Sunday of March to the last
// Sunday of October (01:00 UTC both).
TEST(Notify, ParisDayAndHour) {
  auto at = [](const char* text) {
    std::chrono::sys_time<std::chrono::milliseconds> t;
    EXPECT_TRUE(es::parse_timestamp(text, t)) << text;
    return server::paris_day_hour(t);
  };
  EXPECT_EQ(at("2026-07-01T05:30:00Z"), std::make_pair(std::string("2026-07-01"), 7));
  EXPECT_EQ(at("2026-12-07T23:30:00Z"), std::make_pair(std::string("2026-12-08"), 0));
  EXPECT_EQ(at("2026-03-29T00:59:00Z"), std::make_pair(std::string("2026-03-29"), 1));
  EXPECT_EQ(at("2026-03-29T01:00:00Z"), std::make_pair(std::string("2026-03-29"), 3));
  EXPECT_EQ(at("2026-10-25T00:59:00Z"), std::make_pair(std::string("2026-10-25"), 2));
  EXPECT_EQ(at("2026-10-25T01:00:00Z"), std::make_pair(std::string("2026-10-25"), 2));
  EXPECT_EQ(at("2026-10-25T02:00:00Z"), std::make_pair(std::string("2026-10-25"), 3));
}

}  // namespace
}  // namespace grappe::test
