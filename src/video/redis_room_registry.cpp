#include "video/redis_room_registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/json_string.hpp"
#include "core/line_fields.hpp"
#include "video/redis_room_scripts.hpp"

namespace gc::video {
namespace {

using broker::RedisReply;

constexpr std::string_view kInstancesKey = "video:instances";
constexpr std::size_t kMetaFields = 4;  // createdBy, conversationId, createdAt, expiresAt

std::string metaKey(std::string_view roomId) {
  return "room:" + std::string(roomId) + ":meta";
}
std::string participantsKey(std::string_view roomId) {
  return "room:" + std::string(roomId) + ":participants";
}

// Numbers the scripts wrote themselves; 0 for anything else.
std::int64_t toInt(const std::string& text) {
  std::int64_t out = 0;
  return core::parseWholeInt(text, out) ? out : 0;
}

std::string jsonArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    core::appendJsonString(out, v);
  }
  out += ']';
  return out;
}

core::ApiError unreachable(const RedisReply& reply) {
  spdlog::warn("video rooms: redis: {}", reply.text);
  return core::unavailable("room state is unreachable now; retry");
}

// The four meta fields from `reply.elements[from]` on.
Room roomOf(std::string_view roomId, const RedisReply& reply, std::size_t from) {
  const auto& e = reply.elements;
  return Room{.id = std::string(roomId),
              .createdBy = e[from].text,
              .conversationId = e[from + 1].text,
              .createdAtMs = toInt(e[from + 2].text),
              .expiresAtMs = toInt(e[from + 3].text),
              .participants = {}};
}

bool isArray(const RedisReply& reply, std::size_t atLeast) {
  return reply.type == RedisReply::Type::Array && reply.elements.size() >= atLeast;
}

}  // namespace

RedisRoomRegistry::RedisRoomRegistry(broker::RedisLink& redis, broker::Broker& broker,
                                     RedisRegistrySettings settings)
    : redis_(redis), broker_(broker), settings_(std::move(settings)) {}

RedisReply RedisRoomRegistry::run(const broker::RedisScript& script, std::string_view roomId,
                                  std::vector<std::string> args) const {
  return redis_.callScript(script,
                           {metaKey(roomId), participantsKey(roomId), std::string(kInstancesKey)},
                           std::move(args), settings_.callLimit);
}

Room RedisRoomRegistry::create(std::string createdBy, std::string conversationId) {
  const auto now = settings_.rooms.nowMs();
  Room room{.id = settings_.rooms.newId(),
            .createdBy = std::move(createdBy),
            .conversationId = std::move(conversationId),
            .createdAtMs = now,
            .expiresAtMs = now + settings_.rooms.ttlMs,
            .participants = {}};
  const auto reply =
      redis_.callScript(scripts::create(), {metaKey(room.id)},
                        {std::to_string(now), room.createdBy, room.conversationId,
                         std::to_string(room.createdAtMs), std::to_string(room.expiresAtMs)},
                        settings_.callLimit);
  if (reply.isError()) throw unreachable(reply);
  return room;
}

std::optional<Room> RedisRoomRegistry::find(std::string_view roomId) const {
  const auto reply = run(scripts::lookup(), roomId, {std::to_string(settings_.rooms.nowMs())});
  if (reply.isError()) throw unreachable(reply);
  if (!isArray(reply, kMetaFields)) return std::nullopt;
  Room room = roomOf(roomId, reply, 0);
  for (std::size_t i = kMetaFields; i + 2 < reply.elements.size(); i += 3) {
    room.participants.push_back(reply.elements[i].text);
  }
  return room;
}

JoinResult RedisRoomRegistry::join(std::string_view roomId, PeerConnection connection,
                                   std::vector<std::string> blocked) {
  const auto now = settings_.rooms.nowMs();
  const std::string& userId = connection->userId();
  const auto reply =
      run(scripts::join(), roomId,
          {std::to_string(now), userId, settings_.instance, std::to_string(connection->id()),
           std::to_string(settings_.rooms.maxPeers), jsonArray(blocked),
           std::to_string(now + settings_.instanceTtlMs)});
  if (reply.isError()) throw unreachable(reply);
  if (!isArray(reply, 1))
    throw unreachable({.type = RedisReply::Type::Error,
                       .text = "unexpected join reply",
                       .integer = 0,
                       .elements = {}});
  const auto& outcome = reply.elements[0].text;
  if (outcome == "full") return {.outcome = JoinResult::Outcome::Full, .peers = {}, .replaced = {}};
  if (outcome == "blocked")
    return {.outcome = JoinResult::Outcome::Blocked, .peers = {}, .replaced = {}};
  if (outcome != "joined" || !isArray(reply, 1 + kMetaFields + 2)) return {};

  JoinResult result{.outcome = JoinResult::Outcome::Joined, .peers = {}, .replaced = {}};
  for (std::size_t i = 1 + kMetaFields + 2; i < reply.elements.size(); ++i) {
    result.peers.push_back(reply.elements[i].text);
  }
  const auto& replacedInstance = reply.elements[1 + kMetaFields].text;
  const auto& replacedConnection = reply.elements[1 + kMetaFields + 1].text;
  PeerConnection localBefore;
  {
    std::lock_guard lock(mutex_);
    auto& room = local_[std::string(roomId)];
    if (room.members.empty()) room.room = roomOf(roomId, reply, 1);
    const auto self = std::find_if(room.members.begin(), room.members.end(),
                                   [&](const LocalMember& m) { return m.userId == userId; });
    if (self != room.members.end()) {
      localBefore = std::exchange(self->connection, std::move(connection));
      self->blocked = std::move(blocked);
    } else {
      room.members.push_back(
          {.userId = userId, .connection = std::move(connection), .blocked = std::move(blocked)});
    }
  }
  if (replacedInstance == settings_.instance) {
    result.replaced = std::move(localBefore);
  } else if (!replacedInstance.empty()) {
    result.replaced = std::make_shared<RemotePeer>(broker_, replacedInstance, std::string(roomId),
                                                   userId, toInt(replacedConnection));
  }
  return result;
}

std::optional<std::vector<PeerConnection>> RedisRoomRegistry::leave(
    std::string_view roomId, const hub::Connection& connection) {
  {
    std::lock_guard lock(mutex_);
    const auto room = local_.find(std::string(roomId));
    if (room == local_.end()) return std::nullopt;  // never here, or ended by expire()
    auto& members = room->second.members;
    const auto self = std::find_if(members.begin(), members.end(), [&](const LocalMember& m) {
      return m.connection.get() == &connection;
    });
    if (self == members.end()) return std::nullopt;  // replaced here
    members.erase(self);
    if (members.empty()) local_.erase(room);
  }
  // Redis has the last word: the user may have joined again on another instance meanwhile.
  UnrecordedLeave leave{
      .roomId = std::string(roomId), .userId = connection.userId(), .connection = connection.id()};
  const auto reply = recordLeave(leave);
  if (reply.isError()) {
    spdlog::warn(
        "video rooms: leave of room {} not recorded in redis (tried again at the next "
        "sweep): {}",
        roomId, reply.text);
    {
      std::lock_guard lock(mutex_);
      unrecordedLeaves_.push_back(std::move(leave));
    }
    return localOthers(roomId, connection.userId());
  }
  if (reply.type != RedisReply::Type::Array) return std::nullopt;
  return connectionsOf(roomId, reply, 0, {});
}

std::vector<PeerConnection> RedisRoomRegistry::others(std::string_view roomId,
                                                      std::string_view userId) const {
  const auto reply = run(scripts::lookup(), roomId, {std::to_string(settings_.rooms.nowMs())});
  if (reply.isError()) return localOthers(roomId, userId);
  if (!isArray(reply, kMetaFields)) return {};
  return connectionsOf(roomId, reply, kMetaFields, userId);
}

std::optional<RelayTargets> RedisRoomRegistry::relayTargetsNow(const RelayLookup& lookup) const {
  // A broadcast needs the peers on other instances too: only Redis knows them.
  if (lookup.to.empty()) return std::nullopt;
  // A peer on this instance is its own connection here: no round trip (a relay to a local
  // peer costs what it costs in memory). The local map is exact: a replacement on another
  // instance takes the old connection out of it before closing it (deliver).
  std::lock_guard lock(mutex_);
  const auto room = local_.find(std::string(lookup.roomId));
  if (room == local_.end()) return std::nullopt;
  if (room->second.room.expiresAtMs <= settings_.rooms.nowMs())
    return RelayTargets{.outcome = RelayTargets::Outcome::NotFound, .connections = {}};
  for (const auto& m : room->second.members) {
    if (m.userId == lookup.to)
      return RelayTargets{.outcome = RelayTargets::Outcome::Found, .connections = {m.connection}};
  }
  return std::nullopt;
}

void RedisRoomRegistry::fetchRelayTargets(const RelayLookup& lookup, RelayTargetsDone done) const {
  std::vector<std::string> keys{metaKey(lookup.roomId), participantsKey(lookup.roomId),
                                std::string(kInstancesKey)};
  std::vector<std::string> args{std::to_string(settings_.rooms.nowMs())};
  // The registry outlives the link's callbacks: the link is closed before it goes.
  redis_.scriptWithin(
      scripts::lookup(), std::move(keys), std::move(args), settings_.callLimit,
      [this, roomId = std::string(lookup.roomId), from = std::string(lookup.from),
       to = std::string(lookup.to), done = std::move(done)](const RedisReply& reply) {
        done(relayTargetsFrom({.roomId = roomId, .from = from, .to = to}, reply));
      });
}

RelayTargets RedisRoomRegistry::relayTargetsFrom(const RelayLookup& lookup,
                                                 const RedisReply& reply) const {
  using Outcome = RelayTargets::Outcome;
  if (reply.isError()) {
    if (!lookup.to.empty()) return {.outcome = Outcome::Unavailable, .connections = {}};
    // A broadcast reaches who it can: the peers of the room on this instance.
    return {.outcome = Outcome::Found, .connections = localOthers(lookup.roomId, lookup.from)};
  }
  if (!isArray(reply, kMetaFields)) {
    // The room is gone: nobody to tell, and no such peer.
    return {.outcome = lookup.to.empty() ? Outcome::Found : Outcome::NotFound, .connections = {}};
  }
  if (lookup.to.empty()) {
    return {.outcome = Outcome::Found,
            .connections = connectionsOf(lookup.roomId, reply, kMetaFields, lookup.from)};
  }
  const auto& e = reply.elements;
  for (std::size_t i = kMetaFields; i + 2 < e.size(); i += 3) {
    if (e[i].text != lookup.to) continue;
    auto connection = connectionOf(lookup.roomId, e[i].text, e[i + 1].text, e[i + 2].text);
    if (!connection) break;  // meant to be here, but gone
    return {.outcome = Outcome::Found, .connections = {std::move(connection)}};
  }
  return {.outcome = Outcome::NotFound, .connections = {}};
}

PeerConnection RedisRoomRegistry::connectionOf(std::string_view roomId, const std::string& userId,
                                               const std::string& instance,
                                               const std::string& connection) const {
  if (instance != settings_.instance) {
    return std::make_shared<RemotePeer>(broker_, instance, std::string(roomId), userId,
                                        toInt(connection));
  }
  const auto id = static_cast<std::uint64_t>(toInt(connection));
  std::lock_guard lock(mutex_);
  const auto room = local_.find(std::string(roomId));
  if (room == local_.end()) return nullptr;
  for (const auto& m : room->second.members) {
    if (m.userId == userId && m.connection->id() == id) return m.connection;
  }
  return nullptr;
}

std::vector<PeerConnection> RedisRoomRegistry::connectionsOf(std::string_view roomId,
                                                             const RedisReply& reply,
                                                             std::size_t from,
                                                             std::string_view except) const {
  std::vector<PeerConnection> out;
  const auto& e = reply.elements;
  for (std::size_t i = from; i + 2 < e.size(); i += 3) {
    if (e[i].text == except) continue;
    if (auto c = connectionOf(roomId, e[i].text, e[i + 1].text, e[i + 2].text)) {
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<PeerConnection> RedisRoomRegistry::localOthers(std::string_view roomId,
                                                           std::string_view except) const {
  std::vector<PeerConnection> out;
  std::lock_guard lock(mutex_);
  const auto room = local_.find(std::string(roomId));
  if (room == local_.end()) return out;
  for (const auto& m : room->second.members) {
    if (m.userId != except) out.push_back(m.connection);
  }
  return out;
}

std::vector<ExpiredRoom> RedisRoomRegistry::expire() {
  std::vector<ExpiredRoom> expired;
  {
    std::lock_guard lock(mutex_);
    expired = takeExpiredRooms(local_, settings_.rooms.nowMs());
  }
  // Redis drops the keys by themselves at the same moment; deleting them here as well keeps
  // an injected clock (tests) and Redis's in step. Nobody waits for the answer.
  for (const auto& room : expired) {
    redis_.command({"DEL", metaKey(room.roomId), participantsKey(room.roomId)},
                   [](const RedisReply&) {});
  }
  return expired;
}

std::size_t RedisRoomRegistry::roomCount() const {
  std::lock_guard lock(mutex_);
  return local_.size();
}

std::size_t RedisRoomRegistry::peerCount() const {
  std::lock_guard lock(mutex_);
  std::size_t peers = 0;
  for (const auto& [id, room] : local_) peers += room.members.size();
  return peers;
}

void RedisRoomRegistry::heartbeat() {
  const auto now = settings_.rooms.nowMs();
  const auto reply = redis_.callScript(
      scripts::heartbeat(), {std::string(kInstancesKey)},
      {std::to_string(now), settings_.instance, std::to_string(now + settings_.instanceTtlMs)},
      settings_.callLimit);
  if (reply.isError()) {
    spdlog::debug("video rooms: heartbeat not written: {}", reply.text);
  } else if (reply.integer > 0) {
    spdlog::info("video rooms: {} instance(s) without a heartbeat dropped", reply.integer);
  }
}

broker::RedisReply RedisRoomRegistry::recordLeave(const UnrecordedLeave& leave) const {
  return run(scripts::leave(), leave.roomId,
             {std::to_string(settings_.rooms.nowMs()), leave.userId, settings_.instance,
              std::to_string(leave.connection)});
}

// The leave found nothing to remove: a stalled Redis ran the first try after its caller had
// given up (so nobody elsewhere heard of it), or the room is gone, or the user is back from a
// newer connection. Only in the first case is there someone to tell: the room's participants,
// when the user is not among them.
std::optional<std::vector<PeerConnection>> RedisRoomRegistry::restAfterLateLeave(
    const UnrecordedLeave& leave) const {
  const auto reply =
      run(scripts::lookup(), leave.roomId, {std::to_string(settings_.rooms.nowMs())});
  if (!isArray(reply, kMetaFields)) return std::nullopt;
  const auto& e = reply.elements;
  for (std::size_t i = kMetaFields; i + 2 < e.size(); i += 3) {
    if (e[i].text == leave.userId) return std::nullopt;
  }
  return connectionsOf(leave.roomId, reply, kMetaFields, {});
}

std::vector<RedisRoomRegistry::LostPeers> RedisRoomRegistry::recordMissedLeaves() {
  std::vector<UnrecordedLeave> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(unrecordedLeaves_);
  }
  std::vector<LostPeers> recorded;
  std::vector<UnrecordedLeave> still;
  for (auto& leave : pending) {
    const auto reply = recordLeave(leave);
    if (reply.isError()) {
      still.push_back(std::move(leave));
    } else if (reply.type == RedisReply::Type::Array) {
      recorded.push_back({.roomId = leave.roomId,
                          .userIds = {leave.userId},
                          .rest = connectionsOf(leave.roomId, reply, 0, {})});
    } else if (auto rest = restAfterLateLeave(leave)) {
      recorded.push_back(
          {.roomId = leave.roomId, .userIds = {leave.userId}, .rest = std::move(*rest)});
    }
  }
  if (!still.empty()) {
    std::lock_guard lock(mutex_);
    unrecordedLeaves_.insert(unrecordedLeaves_.end(), std::make_move_iterator(still.begin()),
                             std::make_move_iterator(still.end()));
  }
  return recorded;
}

std::vector<RedisRoomRegistry::LostPeers> RedisRoomRegistry::sweep() {
  auto lost = recordMissedLeaves();
  std::vector<std::string> roomIds;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, room] : local_) roomIds.push_back(id);
  }
  const auto now = std::to_string(settings_.rooms.nowMs());
  for (const auto& roomId : roomIds) {
    const auto reply = run(scripts::sweep(), roomId, {now});
    if (!isArray(reply, 1) || reply.elements[0].integer <= 0) continue;
    const auto count = static_cast<std::size_t>(reply.elements[0].integer);
    if (reply.elements.size() < 1 + count) continue;
    LostPeers room{.roomId = roomId, .userIds = {}, .rest = {}};
    for (std::size_t i = 1; i <= count; ++i) room.userIds.push_back(reply.elements[i].text);
    room.rest = connectionsOf(roomId, reply, 1 + count, {});
    lost.push_back(std::move(room));
  }
  return lost;
}

void RedisRoomRegistry::restore() {
  std::vector<std::pair<Room, std::vector<std::string>>> rooms;  // meta, member triples
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, room] : local_) {
      std::vector<std::string> members;
      for (const auto& m : room.members) {
        members.push_back(m.userId);
        members.push_back(std::to_string(m.connection->id()));
        members.push_back(jsonArray(m.blocked));
      }
      rooms.emplace_back(room.room, std::move(members));
    }
  }
  const auto now = settings_.rooms.nowMs();
  for (auto& [room, members] : rooms) {
    std::vector<std::string> args{std::to_string(now),
                                  settings_.instance,
                                  std::to_string(now + settings_.instanceTtlMs),
                                  room.createdBy,
                                  room.conversationId,
                                  std::to_string(room.createdAtMs),
                                  std::to_string(room.expiresAtMs)};
    args.insert(args.end(), members.begin(), members.end());
    const auto reply = run(scripts::restore(), room.id, std::move(args));
    if (reply.isError()) spdlog::warn("video rooms: room {} not restored: {}", room.id, reply.text);
  }
  if (!rooms.empty()) spdlog::info("video rooms: {} room(s) put back in redis", rooms.size());
}

void RedisRoomRegistry::deliver(const RelayEnvelope& envelope) {
  if (envelope.instance != settings_.instance) return;
  const bool closing = envelope.kind == RelayEnvelope::Kind::Close;
  PeerConnection target;
  {
    std::lock_guard lock(mutex_);
    const auto room = local_.find(envelope.roomId);
    if (room == local_.end()) return;
    auto& members = room->second.members;
    const auto it = std::find_if(members.begin(), members.end(), [&](const LocalMember& m) {
      return m.userId == envelope.userId && m.connection->id() == envelope.connection;
    });
    if (it == members.end()) return;  // gone, or replaced since
    target = it->connection;
    // Closed by a replacement elsewhere: no longer the user's connection here, from now on
    // (its own leave then finds nothing and tells nobody).
    if (closing) {
      members.erase(it);
      if (members.empty()) local_.erase(room);
    }
  }
  if (closing) {
    target->close(envelope.closeCode, envelope.payload);
  } else {
    target->send(std::make_shared<const std::string>(envelope.payload));
  }
}

}  // namespace gc::video
