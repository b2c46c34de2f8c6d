#pragma once
// Presence: one status per user, aggregated over all of their connections, told to their
// accepted friends only. Ephemeral: only `lastSeen` is stored, when a user goes offline.
//
// - The first connection makes a user `online`; a connection may say it is `away`, and the
//   user is `away` while every connection of theirs says so.
// - When the last connection closes, the user stays as they were for a grace period and only
//   then goes `offline`; a connection that opens within it cancels the offline, so a quick
//   reconnect (a page reload, a network switch) is never seen as offline and back.
// - Friends hear only changes: one event per change of the aggregated status.
//
// Thread-safe. Events are published under the lock, so one user's changes reach every
// friend in the order they happened.
//
// Several instances (options.shared): what this instance's connections make of a user is only
// its word; Redis aggregates the words of every instance (broker/redis_presence.hpp) and the
// instance whose word changed the status tells the friends, from Redis's answer. Every
// instance keeps a copy of the statuses from the events it hears (heard()), made from a
// snapshot at start and after Redis comes back, so that view() answers for users connected
// elsewhere. Without an answer from Redis an instance tells its own word, as one alone would.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/broker.hpp"
#include "broker/redis_presence.hpp"
#include "chat/social_graph.hpp"

namespace gc::chat {

struct PresenceOptions {
  std::chrono::milliseconds grace{5000};
  // Runs `fire` once, `delay` from now, on another thread (a timer). Injected so that tests
  // need no clock.
  std::function<void(std::chrono::milliseconds delay, std::function<void()> fire)> after;
  // Stores when a user was last seen; must not block the caller.
  std::function<void(const std::string& userId, std::int64_t lastSeenMs)> persistLastSeen;
  std::function<std::int64_t()> nowMs;
  // Several instances: the statuses aggregated in Redis. Null: this instance is alone.
  broker::RedisPresence* shared = nullptr;
};

struct PresenceView {
  std::string_view status;                 // online | away | offline
  std::optional<std::int64_t> lastSeenMs;  // now while connected; empty when not known here
};

class Presence {
 public:
  Presence(broker::Broker& broker, const SocialGraph& graph, PresenceOptions options);

  void connected(const std::string& userId, std::uint64_t connectionId);
  void disconnected(const std::string& userId, std::uint64_t connectionId);
  // A connection says whether its user is at the keyboard.
  void setAway(const std::string& userId, std::uint64_t connectionId, bool away);

  PresenceView view(const std::string& userId) const;
  // Users connected or within their grace: at shutdown they are last seen then.
  std::vector<std::string> present() const;
  // Two users just became friends: each is told the other's current status.
  void introduce(const std::string& a, const std::string& b);
  // The same, for those of the two connected here only: another instance made them friends,
  // and the status one of them announced here before this instance knew went to nobody.
  void introduceHeld(const std::string& a, const std::string& b);

  // Several instances: a delivery every instance hears; a presence change (of any instance)
  // updates the copy of statuses that view() answers from.
  void heard(const broker::Delivery& delivery);
  // Several instances: makes the copy from Redis and starts refreshing this instance's words
  // (every ttl/3). Called at start and again when Redis is back after an outage.
  void share();

  static std::string encodeFrame(std::string_view userId, std::string_view status,
                                 std::optional<std::int64_t> lastSeenMs);

 private:
  struct UserState {
    std::unordered_map<std::uint64_t, bool> connections;  // id → away
    std::string_view announced = "offline";               // what friends were told last
    std::uint64_t generation = 0;  // bumped on every connect: stale offline timers do nothing
  };

  static std::string_view aggregate(const UserState& state);
  // Tells the friends when the aggregated status differs from the one they know. Locked.
  void announce(const std::string& userId, UserState& state, std::string_view status,
                std::int64_t lastSeenMs);
  // Tells the friends that the user's status (aggregated over every instance) changed;
  // offline: stores when they were last seen.
  void tell(const std::string& userId, std::string_view status, std::int64_t lastSeenMs);
  void tellAll(bool ok, const std::vector<broker::PresenceChange>& changes);
  // Sends this instance's words again (their expiry moves on) and settles expired users.
  void refreshShared();
  void keepRefreshing();
  void expire(const std::string& userId, std::uint64_t generation, std::int64_t lastSeenMs);
  PresenceView viewLocked(const std::string& userId) const;
  void introduceLocked(const std::string& a, const std::string& b, bool heldOnly);

  broker::Broker& broker_;
  const SocialGraph& graph_;
  PresenceOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, UserState> users_;  // connected here or within the grace
  // Taken after mutex_ when both are needed: heard() takes it alone, since a publish (with
  // mutex_ held) may hear its own event at once.
  mutable std::mutex copyMutex_;
  std::unordered_map<std::string, std::int64_t> lastSeen_;  // went offline since start-up
  std::unordered_map<std::string, std::string> elsewhere_;  // several instances: not offline
  std::atomic<bool> refreshing_{false};                     // the periodic refresh is running
};

}  // namespace gc::chat
