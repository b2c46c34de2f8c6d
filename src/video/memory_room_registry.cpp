#include "video/memory_room_registry.hpp"

#include <algorithm>
#include <utility>

namespace gc::video {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

MemoryRoomRegistry::MemoryRoomRegistry(RegistrySettings settings)
    : settings_(std::move(settings)) {}

Room MemoryRoomRegistry::create(std::string createdBy, std::string conversationId) {
  const auto now = settings_.nowMs();
  Room room{.id = settings_.newId(),
            .createdBy = std::move(createdBy),
            .conversationId = std::move(conversationId),
            .createdAtMs = now,
            .expiresAtMs = now + settings_.ttlMs,
            .participants = {}};
  std::lock_guard lock(mutex_);
  rooms_.emplace(room.id, Entry{.room = room, .members = {}});
  return room;
}

template <class Self>
auto MemoryRoomRegistry::live(Self& self, std::string_view roomId)
    -> decltype(&self.rooms_.begin()->second) {
  const auto it = self.rooms_.find(std::string(roomId));
  if (it == self.rooms_.end() || it->second.room.expiresAtMs <= self.settings_.nowMs())
    return nullptr;
  return &it->second;
}

Room MemoryRoomRegistry::snapshot(const Entry& entry) {
  Room room = entry.room;
  for (const auto& m : entry.members) room.participants.push_back(m.userId);
  return room;
}

std::optional<Room> MemoryRoomRegistry::find(std::string_view roomId) const {
  std::lock_guard lock(mutex_);
  const Entry* entry = live(*this, roomId);
  if (!entry) return std::nullopt;
  return snapshot(*entry);
}

JoinResult MemoryRoomRegistry::join(std::string_view roomId, PeerConnection connection,
                                    std::vector<std::string> blocked) {
  std::lock_guard lock(mutex_);
  Entry* entry = live(*this, roomId);
  if (!entry) return {};
  const std::string& userId = connection->userId();
  JoinResult result{.outcome = JoinResult::Outcome::Joined, .peers = {}, .replaced = {}};
  Member* existing = nullptr;
  for (auto& m : entry->members) {
    if (m.userId == userId) {
      existing = &m;
      continue;
    }
    // Either way round: the blocked user never shares a call with the blocker.
    if (contains(blocked, m.userId) || contains(m.blocked, userId)) {
      return {.outcome = JoinResult::Outcome::Blocked, .peers = {}, .replaced = {}};
    }
    result.peers.push_back(m.userId);
  }
  if (existing) {
    result.replaced = std::exchange(existing->connection, std::move(connection));
    existing->blocked = std::move(blocked);
    return result;
  }
  if (entry->members.size() >= static_cast<std::size_t>(settings_.maxPeers)) {
    return {.outcome = JoinResult::Outcome::Full, .peers = {}, .replaced = {}};
  }
  entry->members.push_back(
      {.userId = userId, .connection = std::move(connection), .blocked = std::move(blocked)});
  ++peers_;
  return result;
}

std::optional<std::vector<PeerConnection>> MemoryRoomRegistry::leave(
    std::string_view roomId, const hub::Connection& connection) {
  std::lock_guard lock(mutex_);
  const auto it = rooms_.find(std::string(roomId));
  if (it == rooms_.end()) return std::nullopt;
  auto& members = it->second.members;
  const auto self = std::find_if(members.begin(), members.end(), [&](const Member& m) {
    return m.connection.get() == &connection;
  });
  if (self == members.end()) return std::nullopt;
  members.erase(self);
  --peers_;
  if (members.empty()) {
    rooms_.erase(it);
    return std::vector<PeerConnection>{};
  }
  std::vector<PeerConnection> rest;
  rest.reserve(members.size());
  for (const auto& m : members) rest.push_back(m.connection);
  return rest;
}

std::vector<PeerConnection> MemoryRoomRegistry::others(std::string_view roomId,
                                                       std::string_view userId) const {
  std::lock_guard lock(mutex_);
  std::vector<PeerConnection> out;
  const Entry* entry = live(*this, roomId);
  if (!entry) return out;
  for (const auto& m : entry->members) {
    if (m.userId != userId) out.push_back(m.connection);
  }
  return out;
}

std::optional<RelayTargets> MemoryRoomRegistry::relayTargetsNow(const RelayLookup& lookup) const {
  if (lookup.to.empty()) {
    return RelayTargets{.outcome = RelayTargets::Outcome::Found,
                        .connections = others(lookup.roomId, lookup.from)};
  }
  std::lock_guard lock(mutex_);
  const Entry* entry = live(*this, lookup.roomId);
  if (entry) {
    for (const auto& m : entry->members) {
      if (m.userId == lookup.to) {
        return RelayTargets{.outcome = RelayTargets::Outcome::Found, .connections = {m.connection}};
      }
    }
  }
  return RelayTargets{.outcome = RelayTargets::Outcome::NotFound, .connections = {}};
}

void MemoryRoomRegistry::fetchRelayTargets(const RelayLookup& lookup, RelayTargetsDone done) const {
  done(*relayTargetsNow(lookup));
}

std::vector<ExpiredRoom> MemoryRoomRegistry::expire() {
  std::lock_guard lock(mutex_);
  auto expired = takeExpiredRooms(rooms_, settings_.nowMs());
  for (const auto& room : expired) peers_ -= room.connections.size();
  return expired;
}

std::size_t MemoryRoomRegistry::roomCount() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

std::size_t MemoryRoomRegistry::peerCount() const {
  std::lock_guard lock(mutex_);
  return peers_;
}

}  // namespace gc::video
