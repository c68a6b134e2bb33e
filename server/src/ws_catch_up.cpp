// A subscription's catch-up (`subscribe` with `fromVersion`): the log is read on the reader
// pool, never on a network thread, and the events go out on the session's strand, followed by the
// live events that arrived meanwhile, in order, with no gap and no duplicate.
#include "grappe/domain/streams.h"
#include "projector.h"
#include "ws_session.h"

namespace grappe::server {

namespace net = boost::asio;

void WsSession::start_catch_up(const std::string& grappe, std::uint64_t from, std::uint64_t to) {
  auto generation = subscribed_[grappe].generation;
  net::post(core_.readers, [self = shared_from_this(), grappe, from, to, generation]() mutable {
    std::optional<std::vector<Frame>> frames;
    frames.emplace();
    auto stream = domain::grappe_stream(grappe);
    for (auto at = from; at < to;) {
      auto page = self->core_.store.read_stream(stream, at, std::min<std::uint64_t>(to - at, 500),
                                                es::Direction::kForward);
      if (!page || page->empty()) {
        frames.reset();
        break;
      }
      for (const auto& record : *page) {
        if (record.version > to) break;
        frames->push_back(std::make_shared<const std::string>(event_frame(grappe, record)));
        at = record.version;
      }
    }
    net::post(self->ws_.get_executor(),
              [self, grappe, generation, to, frames = std::move(frames)]() mutable {
                self->on_catch_up(grappe, generation, to, std::move(frames));
              });
  });
}

void WsSession::on_catch_up(const std::string& grappe, std::uint64_t generation, std::uint64_t to,
                            std::optional<std::vector<Frame>> frames) {
  auto it = subscribed_.find(grappe);
  if (it == subscribed_.end() || it->second.generation != generation || closing_) return;
  auto& sub = it->second;
  auto held = std::move(sub.held).value_or(std::vector<Delivery>{});
  sub.held.reset();
  if (!frames) {
    subscribed_.erase(it);
    core_.hub.unsubscribe(grappe, this);
    return send_error("internal", "reading the grappe's history failed; subscribe again");
  }
  for (auto& f : *frames) push(std::move(f), false);
  sub.sent = std::max(sub.sent, to);
  for (auto& d : held) {
    if (d.version <= sub.sent) continue;
    sub.sent = d.version;
    if (!push(std::move(d.frame))) return;
  }
  if (!writing_ && !queue_.empty()) write_front();
}

}  // namespace grappe::server
