#include "setup.h"

#include <algorithm>
#include <stdexcept>

#include "server.h"
#include "support/ids.h"
#include "support/ws_client.h"

namespace grappe::bench {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

json create_grappe_payload(const std::string& name) {
  return {{"name", name},
          {"call", "default"},
          {"region", "75"},  // Nouvelle-Aquitaine, where the porteur's OG is
          {"porteur", kPorteurOg},
          {"description", "created by tools/bench-server"}};
}

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

void create_grappes(unsigned short port, const std::vector<std::string>& ids,
                    Clock::time_point deadline) {
  test::Ws ws(port);
  ws.hello(kToken, "bench-server/1");
  for (const auto& grappe : ids) {
    const auto id = test::new_id();
    ws.send({{"type", "command"},
             {"id", id},
             {"grappe", grappe},
             {"name", "CreateGrappe"},
             {"payload", create_grappe_payload("Bench " + grappe.substr(0, 8))}});
    auto answer = ws.answer(id, left_until(deadline));
    if (answer.value("type", "") != "ack") {
      throw std::runtime_error("CreateGrappe rejected: " + answer.dump());
    }
  }
}

json hello_message(const std::string& token) {
  return {{"type", "hello"}, {"token", token}, {"client", "bench-server/1"}};
}

}  // namespace grappe::bench
