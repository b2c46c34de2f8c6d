#include "core/keyed_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace gc::core {
namespace {

using namespace std::chrono_literals;

const SteadyTime kStart = SteadyTime(1000h);

TEST(KeyedRateLimiter, KeysHaveTheirOwnBuckets) {
  KeyedRateLimiter limiter(RateLimit::perPeriod(2, 1min));
  EXPECT_TRUE(limiter.take("alice", kStart).allowed);
  EXPECT_TRUE(limiter.take("alice", kStart).allowed);
  const auto refused = limiter.take("alice", kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retryAfter, 30s);
  // Another key at the same moment is untouched.
  EXPECT_TRUE(limiter.take("bob", kStart).allowed);
  EXPECT_TRUE(limiter.take("bob", kStart).allowed);
  EXPECT_FALSE(limiter.take("bob", kStart).allowed);
  EXPECT_TRUE(limiter.take("alice", kStart + 30s).allowed);
}

TEST(KeyedRateLimiter, PeekAndForget) {
  KeyedRateLimiter limiter(RateLimit::perPeriod(1, 1min));
  EXPECT_TRUE(limiter.peek("k", kStart).allowed);
  EXPECT_EQ(limiter.size(), 0u) << "peek remembers nothing";
  ASSERT_TRUE(limiter.take("k", kStart).allowed);
  EXPECT_FALSE(limiter.peek("k", kStart).allowed);
  limiter.forget("k");
  EXPECT_TRUE(limiter.take("k", kStart).allowed);
}

TEST(KeyedRateLimiter, UnlimitedStoresNothing) {
  KeyedRateLimiter limiter(RateLimit{});
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.take(std::to_string(i), kStart).allowed);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(KeyedRateLimiter, BucketsThatRefilledAreSweptAway) {
  KeyedRateLimiter limiter(RateLimit::perPeriod(10, 1s));
  for (int i = 0; i < 5000; ++i) limiter.take("old-" + std::to_string(i), kStart);
  EXPECT_EQ(limiter.size(), 5000u);
  // Every old bucket is full again a second later; new keys arriving trigger the sweeps.
  const auto later = kStart + 2s;
  for (int i = 0; i < 64; ++i) limiter.take("new-" + std::to_string(i), later);
  EXPECT_EQ(limiter.size(), 64u);
  EXPECT_EQ(limiter.evictedEarly(), 0u);
}

TEST(KeyedRateLimiter, DistinctKeysCannotGrowMemoryPastTheBound) {
  constexpr std::size_t kMax = 1600;
  KeyedRateLimiter limiter(RateLimit::perPeriod(5, 1h), kMax);
  auto now = kStart;
  for (int i = 0; i < 100'000; ++i) {
    limiter.take("ip-" + std::to_string(i), now);
    now += 1ms;  // 100 s in all: every bucket stays limited for an hour
  }
  EXPECT_LE(limiter.size(), kMax);
  EXPECT_GT(limiter.evictedEarly(), 0u);
}

TEST(KeyedRateLimiter, AKeyBeingLimitedSurvivesAFloodOfOthersWithinTheBound) {
  KeyedRateLimiter limiter(RateLimit::perPeriod(1, 1h), 100'000);
  ASSERT_TRUE(limiter.take("victim-of-guessing", kStart).allowed);
  for (int i = 0; i < 20'000; ++i) limiter.take("other-" + std::to_string(i), kStart);
  EXPECT_FALSE(limiter.take("victim-of-guessing", kStart).allowed);
}

TEST(KeyedRateLimiter, ThreadsSharingKeysNeverExceedTheBurst) {
  KeyedRateLimiter limiter(RateLimit::perPeriod(1000, 1h));
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.take("shared", kStart).allowed) allowed.fetch_add(1);
        limiter.take("k" + std::to_string(i % 50), kStart);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

}  // namespace
}  // namespace gc::core
