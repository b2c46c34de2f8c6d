#pragma once
// What the room registry tests share: a connection that records what it is handed, a relay
// lookup waited for, and a Redis link that has finished connecting.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/redis_link.hpp"
#include "hub/connection.hpp"
#include "redis_test_server.hpp"
#include "video/room_registry.hpp"

namespace gc::video {

class FakeConnection final : public hub::Connection {
 public:
  explicit FakeConnection(const std::string& user) : Connection(user, "t") {}
  void send(broker::SharedFrame frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(*frame);
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mutex_);
    closedWith_ = code;
  }
  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::uint16_t closedWith() const {
    std::lock_guard lock(mutex_);
    return closedWith_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> frames_;
  std::uint16_t closedWith_ = 0;
};

inline std::shared_ptr<FakeConnection> conn(const std::string& user) {
  return std::make_shared<FakeConnection>(user);
}

// A relay's lookup as a session makes it: from memory when the registry can answer so, else
// asked (at most 5 s here; the registry's own call limit is shorter).
inline RelayTargets relayTargets(const RoomRegistry& rooms, std::string_view roomId,
                                 std::string_view to, std::string_view from = {}) {
  const RelayLookup lookup{.roomId = roomId, .from = from, .to = to};
  if (auto now = rooms.relayTargetsNow(lookup)) return *now;
  auto answer = std::make_shared<std::promise<RelayTargets>>();
  auto future = answer->get_future();
  rooms.fetchRelayTargets(lookup, [answer](RelayTargets t) { answer->set_value(std::move(t)); });
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "no answer to a relay lookup in 5 s";
    return {.outcome = RelayTargets::Outcome::Unavailable, .connections = {}};
  }
  return future.get();
}

// `to`'s connection in the room as a relay finds it; null when not found.
inline PeerConnection peerOf(const RoomRegistry& rooms, std::string_view roomId,
                             std::string_view to) {
  auto targets = relayTargets(rooms, roomId, to);
  if (targets.outcome != RelayTargets::Outcome::Found || targets.connections.size() != 1)
    return nullptr;
  return targets.connections[0];
}

// A link to `redis` once it answers (at most 10 s).
inline std::unique_ptr<broker::RedisLink> connectedLink(const broker::RedisServer& redis) {
  auto link = std::make_unique<broker::RedisLink>(broker::RedisLink::Options{
      .url = "redis://127.0.0.1:" + std::to_string(redis.port()), .reconnected = nullptr});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (link->call({"PING"}, std::chrono::seconds(1)).isError() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling: connecting
  }
  return link;
}

}  // namespace gc::video
