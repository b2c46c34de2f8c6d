#pragma once
// Rooms in Redis, shared by several video instances (scale-out; layout and scripts in
// video/redis_room_scripts.hpp). The rules are the memory registry's, each kept by one Lua
// script. What only this process can hold stays here: its own connections, by room and user.
// A peer connected to another instance is reached through a RemotePeer (the broker's pub/sub
// channel), so a session relays to a peer without knowing where it is.
//
// A relay to a peer on this instance is answered from memory (relayTargetsNow); every other
// lookup (find, others, a peer elsewhere, a broadcast) asks Redis: one round trip on loopback,
// and the only way to hear of a peer that joined on another instance. A relay's round trip is
// asynchronous (fetchRelayTargets, answered on the link's thread within callLimit); the rest
// block and run on the blocking pool. Without Redis, creating and joining fail with
// `unavailable` (core::ApiError, 503) at once; a relay to a peer elsewhere gets Unavailable,
// and broadcasts answer from this instance's own connections, so the peers of a room on one
// instance keep talking.
//
// An instance that dies leaves its participants in Redis: each instance writes a heartbeat
// deadline in `video:instances` (heartbeat(), every few seconds), and every script drops the
// participants of an instance whose deadline has passed.
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "broker/broker.hpp"
#include "broker/redis_link.hpp"
#include "video/remote_peer.hpp"
#include "video/room_registry.hpp"

namespace gc::video {

struct RedisRegistrySettings {
  RegistrySettings rooms;
  std::string instance;                 // unique per process (a random id)
  std::int64_t instanceTtlMs = 10'000;  // heartbeats further apart than this: the instance is dead
  std::chrono::milliseconds callLimit{1000};  // one Redis round trip at most
};

class RedisRoomRegistry final : public RoomRegistry {
 public:
  // `broker` carries relays to other instances; feed what it delivers to deliver().
  RedisRoomRegistry(broker::RedisLink& redis, broker::Broker& broker,
                    RedisRegistrySettings settings);

  Room create(std::string createdBy, std::string conversationId) override;
  std::optional<Room> find(std::string_view roomId) const override;
  JoinResult join(std::string_view roomId, PeerConnection connection,
                  std::vector<std::string> blocked) override;
  std::optional<std::vector<PeerConnection>> leave(std::string_view roomId,
                                                   const hub::Connection& connection) override;
  std::vector<PeerConnection> others(std::string_view roomId,
                                     std::string_view userId) const override;
  // A `to` connected here (or a room of this instance's that has expired); nullopt otherwise.
  std::optional<RelayTargets> relayTargetsNow(const RelayLookup& lookup) const override;
  // One lookup script, answered on the link's thread within callLimit.
  void fetchRelayTargets(const RelayLookup& lookup, RelayTargetsDone done) const override;
  // The rooms of this instance's connections whose time is up (their keys are deleted too;
  // Redis drops the rest by their expiry).
  std::vector<ExpiredRoom> expire() override;
  // Rooms with a connection on this instance, and those connections.
  std::size_t roomCount() const override;
  std::size_t peerCount() const override;

  // Says this instance is alive until now + instanceTtlMs; drops instances whose time is up.
  // Blocking (one round trip): call it off the network threads.
  void heartbeat();
  // Participants of dead instances (their heartbeat lapsed) removed from a room, and who is
  // left there to hear `peer-left` for them.
  struct LostPeers {
    std::string roomId;
    std::vector<std::string> userIds;
    std::vector<PeerConnection> rest;
  };
  // Removes them from every room with a connection here. Each is removed once, by whichever
  // instance sweeps first, which tells the rest (on every instance). Also records again the
  // leaves of this instance that Redis missed (down or stalled then), so that such a user does
  // not stay a participant for the others until the room ends; their rest hears `peer-left`
  // (the peers here a second time: a client drops an unknown peer without harm). Blocking.
  std::vector<LostPeers> sweep();
  // After Redis lost its data (a restart): puts back the rooms and participants of this
  // instance's connections. Blocking.
  void restore();
  // An envelope from the broker: hands it to the connection here it names, if still here.
  void deliver(const RelayEnvelope& envelope);
  const std::string& instance() const { return settings_.instance; }

 private:
  struct LocalMember {
    std::string userId;
    PeerConnection connection;
    std::vector<std::string> blocked;
  };
  struct LocalRoom {
    Room room;  // meta only
    std::vector<LocalMember> members;
  };

  // A leave Redis did not record, to try again.
  struct UnrecordedLeave {
    std::string roomId;
    std::string userId;
    std::uint64_t connection = 0;
  };

  broker::RedisReply run(const broker::RedisScript& script, std::string_view roomId,
                         std::vector<std::string> args) const;
  broker::RedisReply recordLeave(const UnrecordedLeave& leave) const;
  std::optional<std::vector<PeerConnection>> restAfterLateLeave(const UnrecordedLeave& leave) const;
  // The leaves Redis missed, tried again; those recorded now, with whom to tell.
  std::vector<LostPeers> recordMissedLeaves();
  // A lookup script's reply (or its error) as a relay's targets.
  RelayTargets relayTargetsFrom(const RelayLookup& lookup, const broker::RedisReply& reply) const;
  // A participant as a connection: this instance's own, or a RemotePeer; null when it is
  // meant to be here but is gone.
  PeerConnection connectionOf(std::string_view roomId, const std::string& userId,
                              const std::string& instance, const std::string& connection) const;
  // (user, instance, connection) triples from `from` on → connections, except `except`'s.
  std::vector<PeerConnection> connectionsOf(std::string_view roomId,
                                            const broker::RedisReply& reply, std::size_t from,
                                            std::string_view except) const;
  // This instance's connections in the room but `except`'s (what lookups answer without Redis).
  std::vector<PeerConnection> localOthers(std::string_view roomId, std::string_view except) const;

  broker::RedisLink& redis_;
  broker::Broker& broker_;
  RedisRegistrySettings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, LocalRoom> local_;  // mutex_
  std::vector<UnrecordedLeave> unrecordedLeaves_;     // mutex_
};

}  // namespace gc::video
