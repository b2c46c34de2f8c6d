#pragma once
// Rooms: who created them, for which conversation, until when, and who is in them. One
// interface with the rules every backend keeps (the cap, one connection per user and room,
// blocks, expiry, empty rooms removed); MemoryRoomRegistry is the embedded default. A Redis
// backend (scale-out) keeps the same rules on `room:<id>:meta` and `room:<id>:participants`;
// it will hold this process's connections locally and reach peers on other instances through
// the broker, which is why a join and the lookups speak of connections, not only of users.
// The relay lookups never block: a session's network thread asks them for every frame.
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

// Whom a relay goes to: `to`'s connection (offer, answer, ice-candidate), or with `to` empty
// everyone in the room but `from` (media-state). Views: a lookup that goes on after the call
// copies what it keeps.
struct RelayLookup {
  std::string_view roomId;
  std::string_view from;
  std::string_view to;
};

struct RelayTargets {
  // NotFound: `to` is not in the room (or the room is gone). Unavailable: the shared state did
  // not answer in time; a broadcast never says so, it falls back to the peers this process holds.
  enum class Outcome { Found, NotFound, Unavailable } outcome = Outcome::NotFound;
  std::vector<PeerConnection> connections;  // Found: `to`'s, or everyone else's (maybe none)
};

using RelayTargetsDone = std::function<void(RelayTargets)>;

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
  // Every connection in the room except `userId`'s. May block on shared state (the Redis
  // registry asks Redis): call it off the network threads.
  virtual std::vector<PeerConnection> others(std::string_view roomId,
                                             std::string_view userId) const = 0;

  // A relay's lookup, in two steps so that a network thread never waits. relayTargetsNow
  // answers from this process's memory when that is the whole answer (always for the memory
  // registry; for the Redis one, a `to` connected here) and is nullopt when only the shared
  // state knows; then fetchRelayTargets asks it: `done` runs once, on a thread of the
  // registry's (or inline when it can answer at once), within the registry's call limit.
  // Neither blocks.
  virtual std::optional<RelayTargets> relayTargetsNow(const RelayLookup& lookup) const = 0;
  virtual void fetchRelayTargets(const RelayLookup& lookup, RelayTargetsDone done) const = 0;
  // Removes the rooms whose time is up and returns their connections.
  virtual std::vector<ExpiredRoom> expire() = 0;

  virtual std::size_t roomCount() const = 0;
  virtual std::size_t peerCount() const = 0;
};

}  // namespace gc::video
