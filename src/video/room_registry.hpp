#pragma once
// Rooms: who created them, for which conversation, until when, and who is in them. One
// interface with the rules every backend keeps (the cap, one connection per user and room,
// blocks, expiry, empty rooms removed); MemoryRoomRegistry is the embedded default. A Redis
// backend (scale-out) keeps the same rules on `room:<id>:meta` and `room:<id>:participants`;
// it will hold this process's connections locally and reach peers on other instances through
// the broker, which is why a join and the lookups speak of connections, not only of users.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/connection.hpp"

namespace gc::video {

struct Room {
  std::string id;
  std::string createdBy;
  std::string conversationId;  // empty: a room anyone with its id may join
  std::int64_t createdAtMs = 0;
  std::int64_t expiresAtMs = 0;
  std::vector<std::string> participants;  // user ids, in join order
};

using PeerConnection = std::shared_ptr<hub::Connection>;

struct JoinResult {
  enum class Outcome { Joined, NotFound, Full, Blocked } outcome = Outcome::NotFound;
  std::vector<std::string> peers;  // Joined: the others already in the room, in join order
  PeerConnection replaced;         // Joined: the user's earlier connection to the room, if any
};

struct ExpiredRoom {
  std::string roomId;
  std::vector<PeerConnection> connections;  // to close
};

// Takes out of `rooms` (room id → a value with `room` and `members`, each member with its
// `connection`) the rooms whose time is up at `nowMs`, with their connections to close: the
// local map of every backend has this shape. Call it with the map's lock held.
template <typename RoomMap>
std::vector<ExpiredRoom> takeExpiredRooms(RoomMap& rooms, std::int64_t nowMs) {
  std::vector<ExpiredRoom> expired;
  for (auto it = rooms.begin(); it != rooms.end();) {
    if (it->second.room.expiresAtMs > nowMs) {
      ++it;
      continue;
    }
    ExpiredRoom gone{.roomId = it->first, .connections = {}};
    for (auto& m : it->second.members) gone.connections.push_back(std::move(m.connection));
    expired.push_back(std::move(gone));
    it = rooms.erase(it);
  }
  return expired;
}

// What every backend is built with.
struct RegistrySettings {
  int maxPeers = 4;
  std::int64_t ttlMs = std::int64_t{3600} * 1000;
  std::function<std::int64_t()> nowMs;  // wall clock in ms; tests pass their own
  std::function<std::string()> newId;   // room ids
};

class RoomRegistry {
 public:
  virtual ~RoomRegistry() = default;

  virtual Room create(std::string createdBy, std::string conversationId) = 0;
  // Nullopt for unknown and expired rooms.
  virtual std::optional<Room> find(std::string_view roomId) const = 0;
  // Adds the connection's user to the room. A second connection of a user already in the
  // room replaces the first (returned in `replaced`, still counted once). Refused: NotFound
  // (unknown or expired), Full (maxPeers others in it), Blocked (`blocked`, the users the
  // joining user blocked, are in the room, or someone in it blocked the joining user).
  virtual JoinResult join(std::string_view roomId, PeerConnection connection,
                          std::vector<std::string> blocked) = 0;
  // Removes the connection if it is still its user's connection in the room and returns the
  // connections left there (to tell them); nullopt when it was not (replaced, never joined,
  // room gone). The last one out removes the room.
  virtual std::optional<std::vector<PeerConnection>> leave(std::string_view roomId,
                                                           const hub::Connection& connection) = 0;
  // The connection of `userId` in the room; null when they are not in it.
  virtual PeerConnection peer(std::string_view roomId, std::string_view userId) const = 0;
  // Every connection in the room except `userId`'s.
  virtual std::vector<PeerConnection> others(std::string_view roomId,
                                             std::string_view userId) const = 0;
  // Removes the rooms whose time is up and returns their connections.
  virtual std::vector<ExpiredRoom> expire() = 0;

  virtual std::size_t roomCount() const = 0;
  virtual std::size_t peerCount() const = 0;
};

}  // namespace gc::video
