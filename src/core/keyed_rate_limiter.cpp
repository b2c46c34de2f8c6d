#include "core/keyed_rate_limiter.hpp"

#include <algorithm>

namespace gc::core {
namespace {

constexpr auto kSweepEvery = std::chrono::seconds(1);
// How many keys a full shard looks at to choose the one to forget early.
constexpr int kEvictionSample = 8;

}  // namespace

KeyedRateLimiter::KeyedRateLimiter(RateLimit limit, std::size_t maxKeys)
    : limit_(limit),
      maxKeysPerShard_(std::max<std::size_t>(1, (maxKeys + kShards - 1) / kShards)) {}

KeyedRateLimiter::Shard& KeyedRateLimiter::shardFor(std::string_view key) const {
  // The map hashes the same key again; the high bits pick the shard so the two do not align.
  const auto h = Hash{}(key);
  return shards_[(h >> 32 ^ h) % kShards];
}

RateDecision KeyedRateLimiter::take(std::string_view key, SteadyTime now) {
  if (limit_.unlimited()) return {};
  auto& shard = shardFor(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    makeRoom(shard, now);
    it = shard.buckets.emplace(std::string(key), TokenBucket{}).first;
  }
  return it->second.take(limit_, now);
}

RateDecision KeyedRateLimiter::peek(std::string_view key, SteadyTime now) const {
  if (limit_.unlimited()) return {};
  auto& shard = shardFor(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return {};
  return it->second.peek(limit_, now);
}

void KeyedRateLimiter::forget(std::string_view key) {
  auto& shard = shardFor(key);
  std::lock_guard lock(shard.mutex);
  if (const auto it = shard.buckets.find(key); it != shard.buckets.end()) shard.buckets.erase(it);
}

void KeyedRateLimiter::makeRoom(Shard& shard, SteadyTime now) {
  auto& buckets = shard.buckets;
  if (now >= shard.nextSweep) {
    std::erase_if(buckets, [now](const auto& entry) { return entry.second.full(now); });
    shard.nextSweep = now + kSweepEvery;
  }
  if (buckets.size() < maxKeysPerShard_) return;
  // Full between sweeps: forget the key nearest to full among a few (a full one costs nothing).
  auto victim = buckets.begin();
  int looked = 0;
  for (auto it = buckets.begin(); it != buckets.end() && looked < kEvictionSample; ++it, ++looked) {
    if (it->second.fullAt() < victim->second.fullAt()) victim = it;
  }
  if (!victim->second.full(now)) ++shard.evictedEarly;
  buckets.erase(victim);
}

std::size_t KeyedRateLimiter::size() const {
  std::size_t n = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.buckets.size();
  }
  return n;
}

std::uint64_t KeyedRateLimiter::evictedEarly() const {
  std::uint64_t n = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.evictedEarly;
  }
  return n;
}

}  // namespace gc::core
