#pragma once
// One rate limit (a scope: "rest", "login", ...) over many keys, held across instances. With a
// Redis link each key's token bucket lives in Redis (hash `rate:<scope>:<key>`, one Lua script
// per decision, Redis's clock) so every instance behind the load balancer draws from the same
// bucket. Without a link (one instance) only the in-process KeyedRateLimiter decides and Redis
// is never called.
//
// When Redis answers with an error (down, restarting) or not within kRedisAnswerLimit (hung),
// the in-process bucket decides instead: the limit then holds per instance, so it fails open
// by at most the number of instances. It never refuses everyone and never waits on an outage.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "core/keyed_rate_limiter.hpp"

namespace gc::broker {
class RedisLink;
}

namespace gc::api {

class SharedRateLimiter {
 public:
  // How long a decision waits for Redis before the local bucket answers. Redis answers in well
  // under a millisecond on a LAN; a wait this long means it is stuck (paused, partitioned).
  static constexpr std::chrono::milliseconds kRedisAnswerLimit{200};

  // `redis` may be null (one instance: local only); it must outlive this limiter.
  SharedRateLimiter(std::string scope, core::RateLimit limit, broker::RedisLink* redis);

  // Takes one token from `key`'s bucket when it has one.
  boost::asio::awaitable<core::RateDecision> take(std::string key);
  // What take() would answer, without taking.
  boost::asio::awaitable<core::RateDecision> peek(std::string key);
  // Drops `key`'s bucket: its next take() starts full.
  boost::asio::awaitable<void> forget(std::string key);

  // The Redis key of `key`'s bucket.
  std::string redisKey(std::string_view key) const;

 private:
  enum class Mode { Take, Peek };
  boost::asio::awaitable<core::RateDecision> decide(Mode mode, std::string key);
  // Logs the change when Redis stops (or starts again) deciding for this scope.
  void noteRedisAnswered(bool answered, std::string_view why);

  std::string scope_;
  core::KeyedRateLimiter local_;
  broker::RedisLink* redis_;
  std::atomic<bool> onLocalFallback_{false};
};

}  // namespace gc::api
