#pragma once
// Presence across instances, kept in Redis (scale-out). Each instance says, per user, what
// its own connections make of them (online or away, or nothing any more); Redis aggregates
// the instances' words into the user's status and answers with the statuses that changed,
// so that exactly one instance (the one whose word changed it) tells the friends.
//
// Layout, as the architecture guide names it:
//   user:<id>:status  hash: one field per instance, "online:<expiresAtMs>" or
//                     "away:<expiresAtMs>", and "~", the aggregate last told
//   online_users      sorted set: user id → when their latest instance word expires
// An instance refreshes its words (refresh(), every ttl/3); the words of an instance that
// died expire after `ttl`, and the next refresh of any instance finds those users in
// `online_users` and settles them (offline, told once). Times come from Redis's clock.
// One script per call: a user's change is decided atomically, whichever instances race.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/redis_link.hpp"

namespace gc::broker {

struct PresenceChange {
  std::string userId;
  std::string status;  // online | away | offline
};

class RedisPresence {
 public:
  // `ok` false: Redis did not answer (the caller falls back to what it knows alone).
  using Done = std::function<void(bool ok, std::vector<PresenceChange> changes)>;
  // (user id, this instance's status of them: "online", "away", or "" for none any more)
  using Word = std::pair<std::string, std::string>;

  RedisPresence(RedisLink& link, std::string instance, std::chrono::milliseconds ttl);

  // One user's word changed. `done` runs on the link's thread; calls from one thread are
  // decided in the order made.
  void put(Word word, Done done);
  // This instance's words for every user it holds again (their expiry moves on), then settles
  // up to 1,000 users whose words all expired. Sent in batches; `done` runs once per batch.
  void refresh(std::vector<Word> words, const Done& done);
  // Every user online or away anywhere, as changes (for a copy made from nothing).
  void snapshot(Done done);

  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  RedisLink& link_;
  std::string instance_;
  std::chrono::milliseconds ttl_;
};

}  // namespace gc::broker
