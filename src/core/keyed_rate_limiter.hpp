#pragma once
// One token bucket per key (a user id, a client address, an account name), shared by every
// thread, in bounded memory.
//
// Keys live in 16 shards, each with its own mutex, so threads limiting different keys rarely
// meet. A key whose bucket is full again carries no information and is dropped by a sweep (at
// most once per second per shard, when a new key arrives). A shard never holds more than its
// share of `maxKeys`: when it is full of keys that are all still limited (more distinct keys
// within one refill time than the limiter may remember), the key closest to full among a few
// is forgotten early. That key starts again with a full bucket: under such a flood the limiter
// fails open for a few keys rather than growing without bound or refusing every newcomer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/token_bucket.hpp"

namespace gc::core {

class KeyedRateLimiter {
 public:
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kDefaultMaxKeys = 100'000;

  explicit KeyedRateLimiter(RateLimit limit, std::size_t maxKeys = kDefaultMaxKeys);

  // Takes one token from `key`'s bucket when it has one.
  RateDecision take(std::string_view key, SteadyTime now);
  // What take() would answer, without taking (nor remembering the key).
  RateDecision peek(std::string_view key, SteadyTime now) const;
  // Drops `key`'s bucket: its next take() starts full.
  void forget(std::string_view key);

  const RateLimit& limit() const { return limit_; }
  bool unlimited() const { return limit_.unlimited(); }
  std::size_t size() const;
  // Keys dropped while their bucket was not full yet (see above).
  std::uint64_t evictedEarly() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, TokenBucket, Hash, std::equal_to<>> buckets;
    SteadyTime nextSweep{};
    std::uint64_t evictedEarly = 0;
  };

  Shard& shardFor(std::string_view key) const;
  // Called with the shard locked before a new key goes in.
  void makeRoom(Shard& shard, SteadyTime now);

  RateLimit limit_;
  std::size_t maxKeysPerShard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gc::core
