#include "main/video_rooms.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <thread>

#include "broker/redis_broker.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "main/revocation_follower.hpp"
#include "video/memory_room_registry.hpp"
#include "video/remote_peer.hpp"
#include "video/signal_frame.hpp"

namespace gc::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

constexpr std::string_view kRelayChannel = "gc:video";

}  // namespace

VideoRooms::VideoRooms(const core::Config& config, const video::Options& options,
                       asio::thread_pool& blocking)
    : blocking_(blocking), heartbeat_(options.instanceHeartbeatMs) {
  video::RegistrySettings rooms{.maxPeers = options.maxPeers,
                                .ttlMs = std::int64_t{options.roomTtlSeconds} * 1000,
                                .nowMs = [] { return core::nowMs(); },
                                .newId = [] { return core::newId(); }};
  if (config.redisUrl.empty()) {
    registry_ = std::make_unique<video::MemoryRoomRegistry>(std::move(rooms));
    return;
  }
  redis_ = std::make_unique<broker::RedisLink>(broker::RedisLink::Options{
      .url = config.redisUrl,
      // Redis came back, perhaps empty (restarted without persistence): put our rooms back.
      .reconnected = [this] { asio::post(blocking_, [this] { shared_->restore(); }); }});
  relays_ = broker::makeRedisBroker(
      {.url = config.redisUrl, .channel = std::string(kRelayChannel), .resubscribed = nullptr});
  auto registry = std::make_unique<video::RedisRoomRegistry>(
      *redis_, *relays_,
      video::RedisRegistrySettings{.rooms = std::move(rooms),
                                   .instance = core::newId(),
                                   .instanceTtlMs = options.instanceTtlMs,
                                   .callLimit = milliseconds(options.redisCallLimitMs)});
  shared_ = registry.get();
  registry_ = std::move(registry);
  relays_->subscribe([shared = shared_](const broker::Delivery& delivery) {
    // Every instance hears every relay; most are for another.
    if (video::relayEnvelopeInstance(*delivery.frame) != shared->instance()) return;
    if (auto envelope = video::decodeRelayEnvelope(*delivery.frame)) shared->deliver(*envelope);
  });
  // A moment for the first connection, so that the first room does not meet a link still
  // connecting; without Redis the service starts anyway and answers `unavailable`.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!redis_->connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling a condition: the link is connecting
  }
  if (!redis_->connected())
    spdlog::warn("video rooms: redis {} not reachable yet", config.redisUrl);
  shared_->heartbeat();
  spdlog::info("video rooms in redis {} (instance {})", config.redisUrl, shared_->instance());
}

VideoRooms::~VideoRooms() {
  close();
}

void VideoRooms::startTimers(asio::io_context& ioc) {
  if (!shared_) return;
  every(ioc, heartbeat_, [this] {
    asio::post(blocking_, [this] {
      shared_->heartbeat();
      // The users of an instance that died leave their rooms, and so do the users whose leave
      // Redis missed; nobody else would say so.
      for (const auto& room : shared_->sweep()) {
        for (const auto& user : room.userIds) {
          const auto left =
              std::make_shared<const std::string>(video::encodePeerEvent("peer-left", user));
          for (const auto& peer : room.rest) peer->send(left);
          spdlog::info(
              "{} dropped from room {} (its video instance stopped beating, or its "
              "leave reached Redis only now)",
              user, room.roomId);
        }
      }
    });
  });
}

void VideoRooms::close() {
  if (relays_) relays_->close();
  if (redis_) redis_->close();
}

}  // namespace gc::server
