#include "video/room_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "video/relay_queue.hpp"
#include "video/signal_frame.hpp"
#include "video/turn_credentials.hpp"
#include "ws/frame_codec.hpp"
#include "ws/rfc6455.hpp"
#include "ws/socket_session.hpp"

namespace gc::video {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

// Application close codes (RFC 6455 §7.4.2 leaves 4000-4999 to us).
constexpr std::uint16_t kReplaced = 4000;   // the same user joined again from elsewhere
constexpr std::uint16_t kRoomEnded = 4001;  // the room's TTL ran out

const broker::SharedFrame& pongFrame() {
  static const auto frame = std::make_shared<const std::string>(R"({"type":"pong"})");
  return frame;
}

broker::SharedFrame shared(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// One peer in one room. Reading is paused from the upgrade until the join is decided (the
// admission rules read the chat database on the blocking pool), so no signaling frame is
// handled before the welcome.
class RoomSession final : public ws::SocketSession {
 public:
  RoomSession(VideoApp& app, asio::ip::tcp::socket socket, chat::Claims claims, std::string roomId)
      : SocketSession(std::move(socket), std::move(claims),
                      {// Room for an SDP of maxSdpBytes and its envelope: a larger one gets the
                       // too_large error frame, not a 1009 close.
                       .frameLimit = std::max(app.config.wsFrameLimit,
                                              app.options.maxSdpBytes + std::size_t{16} * 1024),
                       .queueBytes = app.config.wsQueueBytes,
                       .frameRate = app.config.wsFrameRateLimit,
                       .floodLimit = app.config.wsFloodLimit}),
        app_(app),
        roomId_(std::move(roomId)) {}

 private:
  void onOpen() override {
    app_.hub.attach(shared_from_this());
    pauseReading();
    asio::post(app_.blocking, [self = selfAs<RoomSession>()] { self->decideJoin(); });
  }

  // On the blocking pool: the conversation rule, the user's blocks and the join itself (a
  // Redis registry asks Redis); then back on the strand to tell everyone.
  void decideJoin() {
    std::optional<core::ApiError> refusal;
    JoinResult result;
    std::vector<PeerConnection> others;
    try {
      const auto room = app_.rooms.find(roomId_);
      if (!room) throw core::notFound("no such room, or it has ended");
      app_.admission.checkConversation(userId(), room->conversationId);
      result = app_.rooms.join(roomId_, shared_from_this(), app_.admission.blockedBy(userId()));
      if (result.outcome == JoinResult::Outcome::Joined)
        others = app_.rooms.others(roomId_, userId());
    } catch (const core::ApiError& e) {
      refusal = e;
    } catch (const std::exception& e) {
      spdlog::error("room admission failed: {}", e.what());
      refusal = core::unavailable("the room cannot be joined now; retry");
    }
    asio::post(executor(), [self = selfAs<RoomSession>(), refusal = std::move(refusal),
                            result = std::move(result),
                            others = std::move(others)] { self->joined(refusal, result, others); });
  }

  void joined(const std::optional<core::ApiError>& refusal, const JoinResult& result,
              const std::vector<PeerConnection>& others) {
    const bool in = !refusal && result.outcome == JoinResult::Outcome::Joined;
    if (!in && isClosed()) return;  // gone while we looked
    if (refusal) return refuse(refusal->code(), refusal->what());
    switch (result.outcome) {
      case JoinResult::Outcome::NotFound:
        return refuse("not_found", "no such room, or it has ended");
      case JoinResult::Outcome::Full:
        return refuse("room_full",
                      "the room is full (" + std::to_string(app_.options.maxPeers) + " peers)");
      case JoinResult::Outcome::Blocked:
        return refuse("blocked", "a block stands between you and someone in this room");
      case JoinResult::Outcome::Joined:
        break;
    }
    joined_ = true;
    const auto ice = iceServersFor(app_.options, userId(), core::nowMs() / 1000);
    enqueueText(shared(encodeWelcome(userId(), result.peers, encodeIceServers(ice))));
    if (result.replaced) {
      result.replaced->send(shared(
          ws::encodeErrorFrame("replaced", "you joined this room from another connection", {})));
      result.replaced->close(kReplaced, "replaced by a newer connection");
      // The others drop their connection to the old one and negotiate with the new one.
      const auto left = shared(encodePeerEvent("peer-left", userId()));
      for (const auto& peer : others) peer->send(left);
    }
    const auto arrived = shared(encodePeerEvent("peer-joined", userId()));
    for (const auto& peer : others) peer->send(arrived);
    spdlog::debug("{} joined room {} ({} others)", userId(), roomId_, others.size());
    // Gone while the join was decided: it counted, so it leaves like any other close.
    if (isClosed()) return leaveRoom();
    resumeReading();
  }

  void refuse(std::string_view code, std::string_view message) {
    app_.metrics.joinsRefused.fetch_add(1, std::memory_order_relaxed);
    reject(code, message, {});
    startClose(ws::close_code::kPolicyViolation, code);
    // Read again, for the peer's answer to our close (what it sent before is not handled:
    // nothing is after a close is queued).
    resumeReading();
  }

  void onText(std::string_view text) override {
    const auto arrived = SteadyClock::now();
    SignalFrame frame;
    try {
      frame = decodeSignalFrame(text, app_.options.maxSdpBytes);
    } catch (const ws::FrameError& e) {
      reject(e.code, e.message, e.ref);
      return;
    }
    switch (frame.type) {
      case SignalFrame::Type::Ping:
        enqueueText(pongFrame());
        return;
      case SignalFrame::Type::MediaState:
        return relay(frame, arrived);
      case SignalFrame::Type::Offer:
      case SignalFrame::Type::Answer:
      case SignalFrame::Type::IceCandidate:
        if (frame.to == userId()) return reject("invalid_request", "to: is yourself", {});
        return relay(frame, arrived);
    }
  }

  // Hands the frame to its receivers (`to`, or everyone else for a media-state). At once when
  // nothing of this session waits and the registry knows them from memory (the common case: a
  // peer on this instance); otherwise it waits in relays_ behind the frames before it while
  // the registry asks Redis, so that each receiver gets this session's frames in order.
  void relay(const SignalFrame& frame, SteadyClock::time_point arrived) {
    const RelayLookup lookup{.roomId = roomId_, .from = userId(), .to = frame.to};
    auto now = app_.rooms.relayTargetsNow(lookup);
    auto out = shared(encodeRelayed(frame, userId()));
    if (now && relays_.empty()) {
      return deliver({.frame = std::move(out), .arrived = arrived, .targets = std::move(*now)});
    }
    const auto ticket = relays_.push(std::move(out), arrived);
    if (!ticket) {
      app_.metrics.relaysWaitingRefused.fetch_add(1, std::memory_order_relaxed);
      return reject("rate_limited", "too many frames waiting for the room's state; slow down", {});
    }
    if (now) return deliverAll(relays_.answer(*ticket, std::move(*now)));
    // The answer comes on the registry's thread; back on the strand it is taken only if the
    // session is still open (a closed one cleared relays_, and may be gone: hence weak).
    app_.rooms.fetchRelayTargets(lookup, [weak = weak_from_this(), strand = executor(),
                                          ticket = *ticket](RelayTargets targets) {
      asio::post(strand, [weak, ticket, targets = std::move(targets)]() mutable {
        const auto self = std::static_pointer_cast<RoomSession>(weak.lock());
        if (!self || self->isClosed()) return;
        self->deliverAll(self->relays_.answer(ticket, std::move(targets)));
      });
    });
  }

  void deliverAll(const std::vector<RelayQueue::Relay>& ready) {
    for (const auto& r : ready) deliver(r);
  }

  void deliver(const RelayQueue::Relay& r) {
    switch (r.targets.outcome) {
      case RelayTargets::Outcome::Found:
        for (const auto& peer : r.targets.connections) peer->send(r.frame);
        return relayed(r.arrived, r.targets.connections.size());
      case RelayTargets::Outcome::NotFound:
        return reject("not_found", "to: no such peer in this room", {});
      case RelayTargets::Outcome::Unavailable:
        app_.metrics.relayLookupsFailed.fetch_add(1, std::memory_order_relaxed);
        return reject("unavailable", "the room's state is unreachable now; retry", {});
    }
  }

  void relayed(SteadyClock::time_point arrived, std::size_t count) {
    if (count == 0) return;
    app_.metrics.relays.fetch_add(count, std::memory_order_relaxed);
    app_.metrics.relayLatencySeconds.observe(
        std::chrono::duration<double>(SteadyClock::now() - arrived).count());
  }

  void onClosed() override {
    app_.hub.detach(this);
    relays_.clear();  // nothing of a closed session's is relayed
    if (joined_) leaveRoom();
  }

  // On the blocking pool (a Redis registry asks Redis): only if this is still the user's
  // connection there are the others told; a replaced one leaves silently.
  void leaveRoom() {
    asio::post(app_.blocking, [self = selfAs<RoomSession>()] {
      const auto rest = self->app_.rooms.leave(self->roomId_, *self);
      if (!rest) return;
      const auto left = shared(encodePeerEvent("peer-left", self->userId()));
      for (const auto& peer : *rest) peer->send(left);
      spdlog::debug("{} left room {}", self->userId(), self->roomId_);
    });
  }

  VideoApp& app_;
  std::string roomId_;
  bool joined_ = false;  // in the registry (until onClosed)
  RelayQueue relays_{{}};
};

}  // namespace

void startRoomSession(VideoApp& app, api::Upgrade upgrade, std::string roomId) {
  auto session = std::make_shared<RoomSession>(app, std::move(upgrade.socket),
                                               std::move(upgrade.claims), std::move(roomId));
  session->start(upgrade.key, upgrade.answerSubprotocol, upgrade.early);
}

std::optional<std::string> roomIdFromPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/ws/";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  path.remove_prefix(kPrefix.size());
  if (path.empty() || path.size() > 64 || path.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(path);
}

// Closes every connection of the rooms whose time ran out (the expiry sweep).
void endExpiredRooms(VideoApp& app) {
  for (auto& room : app.rooms.expire()) {
    app.metrics.roomsExpired.fetch_add(1, std::memory_order_relaxed);
    const auto ended = shared(ws::encodeErrorFrame("room_expired", "the room has ended", {}));
    for (auto& connection : room.connections) {
      connection->send(ended);
      connection->close(kRoomEnded, "room expired");
    }
  }
}

}  // namespace gc::video
