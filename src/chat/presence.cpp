#include "chat/presence.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

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
  if (!options_.shared) {
    tell(userId, status, lastSeenMs);
    return;
  }
  // This instance's word; Redis answers with what it changed. Called under the lock, so one
  // user's words reach Redis in the order they were made here.
  options_.shared->put({userId, status == "offline" ? "" : std::string(status)},
                       [this, userId, word = std::string(status), lastSeenMs](
                           bool ok, const std::vector<broker::PresenceChange>& changes) {
                         if (!ok) {
                           tell(userId, word,
                                lastSeenMs);  // no Redis: as if this instance were alone
                           return;
                         }
                         for (const auto& c : changes) tell(c.userId, c.status, lastSeenMs);
                       });
}

void Presence::tell(const std::string& userId, std::string_view status, std::int64_t lastSeenMs) {
  auto friends = graph_.friendsOf(userId);
  // Alone, nobody else keeps a copy of statuses: a user without friends is told to nobody.
  if (!friends.empty() || options_.shared) {
    broker_.publish(broker::Delivery{
        .userIds = std::move(friends),
        .frame = std::make_shared<const std::string>(encodeFrame(userId, status, lastSeenMs)),
        .exceptConnection = 0,
        .sharedUserIds = nullptr,
        .conversationId = {},
        .seq = 0,
        .groupChanged = {},
        .pairChanged = {},
        .presenceOf = userId,
        .originFrame = nullptr});
  }
  if (status == "offline") {
    {
      std::lock_guard lock(copyMutex_);
      lastSeen_[userId] = lastSeenMs;
    }
    options_.persistLastSeen(userId, lastSeenMs);
  }
}

void Presence::tellAll(bool ok, const std::vector<broker::PresenceChange>& changes) {
  if (!ok) return;  // the next refresh tries again
  for (const auto& c : changes) tell(c.userId, c.status, options_.nowMs());
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
  std::lock_guard lock(mutex_);
  auto it = users_.find(userId);
  // A connection came back in time (or the user went offline through a later timer).
  if (it == users_.end() || it->second.generation != generation ||
      !it->second.connections.empty()) {
    return;
  }
  announce(userId, it->second, "offline", lastSeenMs);
  users_.erase(it);
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
  std::lock_guard copy(copyMutex_);
  if (auto it = elsewhere_.find(userId); it != elsewhere_.end()) {
    return PresenceView{.status = it->second, .lastSeenMs = options_.nowMs()};
  }
  // Alone, this instance's word is the status; with others, it is until Redis has answered.
  if (auto it = users_.find(userId); it != users_.end() && it->second.announced != "offline") {
    return PresenceView{.status = it->second.announced, .lastSeenMs = options_.nowMs()};
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
  introduceLocked(a, b, false);
}

void Presence::introduceHeld(const std::string& a, const std::string& b) {
  std::lock_guard lock(mutex_);
  introduceLocked(a, b, true);
}

void Presence::introduceLocked(const std::string& a, const std::string& b, bool heldOnly) {
  for (const auto& [subject, audience] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    if (heldOnly && !users_.contains(*subject)) continue;
    const auto v = viewLocked(*subject);
    broker_.publish(broker::Delivery{
        .userIds = {*audience},
        .frame = std::make_shared<const std::string>(encodeFrame(*subject, v.status, v.lastSeenMs)),
        .exceptConnection = 0});
  }
}

void Presence::heard(const broker::Delivery& delivery) {
  if (delivery.presenceOf.empty()) return;
  boost::system::error_code ec;
  const auto frame = boost::json::parse(*delivery.frame, ec);
  const auto* object = frame.if_object();
  const auto* status = object ? object->if_contains("status") : nullptr;
  if (ec || !status || !status->is_string()) {
    spdlog::warn("presence: an event for {} without a status was ignored", delivery.presenceOf);
    return;
  }
  std::lock_guard lock(copyMutex_);
  if (status->as_string() == "offline") {
    // When they were last seen is in the store, written by the instance that told.
    elsewhere_.erase(delivery.presenceOf);
    lastSeen_.erase(delivery.presenceOf);
  } else {
    elsewhere_[delivery.presenceOf] = std::string(status->as_string());
  }
}

void Presence::share() {
  options_.shared->snapshot([this](bool ok, const std::vector<broker::PresenceChange>& everyone) {
    if (!ok) return;
    std::lock_guard lock(copyMutex_);
    elsewhere_.clear();
    for (const auto& c : everyone) elsewhere_[c.userId] = c.status;
  });
  refreshShared();
  if (!refreshing_.exchange(true)) keepRefreshing();
}

void Presence::keepRefreshing() {
  options_.after(options_.shared->ttl() / 3, [this] {
    refreshShared();
    keepRefreshing();
  });
}

void Presence::refreshShared() {
  std::vector<broker::RedisPresence::Word> words;
  {
    std::lock_guard lock(mutex_);
    words.reserve(users_.size());
    for (const auto& [userId, state] : users_) {
      if (state.announced != "offline") words.emplace_back(userId, std::string(state.announced));
    }
  }
  options_.shared->refresh(std::move(words),
                           [this](bool ok, const auto& changes) { tellAll(ok, changes); });
}

}  // namespace gc::chat
