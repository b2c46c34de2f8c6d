#include "chat/presence.hpp"

#include "core/json_string.hpp"
#include "core/time_format.hpp"

namespace gc::chat {

Presence::Presence(broker::Broker& broker, const SocialGraph& graph, PresenceOptions options)
    : broker_(broker), graph_(graph), options_(std::move(options)) {}

std::string Presence::encodeFrame(std::string_view userId, std::string_view status,
                                  std::optional<std::int64_t> lastSeenMs) {
  std::string out = R"({"type":"presence","userId":)";
  core::appendJsonString(out, userId);
  out += ",\"status\":";
  core::appendJsonString(out, status);
  out += ",\"lastSeen\":";
  if (lastSeenMs) {
    out += '"' + core::rfc3339Ms(*lastSeenMs) + '"';
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

std::string_view Presence::aggregate(const UserState& state) {
  if (state.connections.empty()) return state.announced;  // within the grace: unchanged
  for (const auto& [id, away] : state.connections) {
    if (!away) return "online";
  }
  return "away";
}

void Presence::announce(const std::string& userId, UserState& state, std::string_view status,
                        std::int64_t lastSeenMs) {
  if (status == state.announced) return;
  state.announced = status;
  auto friends = graph_.friendsOf(userId);
  if (friends.empty()) return;
  broker_.publish(broker::Delivery{
      .userIds = std::move(friends),
      .frame = std::make_shared<const std::string>(encodeFrame(userId, status, lastSeenMs)),
      .exceptConnection = 0});
}

void Presence::connected(const std::string& userId, std::uint64_t connectionId) {
  std::lock_guard lock(mutex_);
  auto& state = users_[userId];
  ++state.generation;  // cancels a pending offline
  state.connections[connectionId] = false;
  announce(userId, state, aggregate(state), options_.nowMs());
}

void Presence::disconnected(const std::string& userId, std::uint64_t connectionId) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(userId);
  if (it == users_.end() || it->second.connections.erase(connectionId) == 0) return;
  auto& state = it->second;
  const auto now = options_.nowMs();
  if (!state.connections.empty()) {
    announce(userId, state, aggregate(state), now);  // the one that stayed may be away
    return;
  }
  // The last one: wait out the grace before telling anyone.
  options_.after(options_.grace, [this, userId, generation = state.generation, now] {
    expire(userId, generation, now);
  });
}

void Presence::expire(const std::string& userId, std::uint64_t generation,
                      std::int64_t lastSeenMs) {
  {
    std::lock_guard lock(mutex_);
    auto it = users_.find(userId);
    // A connection came back in time (or the user went offline through a later timer).
    if (it == users_.end() || it->second.generation != generation ||
        !it->second.connections.empty()) {
      return;
    }
    announce(userId, it->second, "offline", lastSeenMs);
    users_.erase(it);
    lastSeen_[userId] = lastSeenMs;
  }
  options_.persistLastSeen(userId, lastSeenMs);
}

void Presence::setAway(const std::string& userId, std::uint64_t connectionId, bool away) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(userId);
  if (it == users_.end()) return;
  auto c = it->second.connections.find(connectionId);
  if (c == it->second.connections.end()) return;
  c->second = away;
  announce(userId, it->second, aggregate(it->second), options_.nowMs());
}

PresenceView Presence::viewLocked(const std::string& userId) const {
  if (users_.contains(userId)) {
    return PresenceView{.status = users_.at(userId).announced, .lastSeenMs = options_.nowMs()};
  }
  auto seen = lastSeen_.find(userId);
  return PresenceView{.status = "offline",
                      .lastSeenMs = seen == lastSeen_.end()
                                        ? std::nullopt
                                        : std::optional<std::int64_t>(seen->second)};
}

PresenceView Presence::view(const std::string& userId) const {
  std::lock_guard lock(mutex_);
  return viewLocked(userId);
}

std::vector<std::string> Presence::present() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(users_.size());
  for (const auto& [userId, state] : users_) out.push_back(userId);
  return out;
}

void Presence::introduce(const std::string& a, const std::string& b) {
  std::lock_guard lock(mutex_);
  for (const auto& [subject, audience] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    const auto v = viewLocked(*subject);
    broker_.publish(broker::Delivery{
        .userIds = {*audience},
        .frame = std::make_shared<const std::string>(encodeFrame(*subject, v.status, v.lastSeenMs)),
        .exceptConnection = 0});
  }
}

}  // namespace gc::chat
