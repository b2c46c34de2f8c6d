#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace gc::core {
namespace {

using namespace std::chrono_literals;

// A hand-driven clock: tests move time, nothing sleeps.
struct FakeClock {
  SteadyTime now = SteadyTime(1000h);
  void advance(std::chrono::nanoseconds d) { now += d; }
};

TEST(TokenBucket, ABurstIsAllowedThenRefused) {
  const auto limit = RateLimit::perPeriod(5, 1min);  // one token every 12 s
  FakeClock clock;
  TokenBucket bucket;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.take(limit, clock.now).allowed) << i;
  const auto refused = bucket.take(limit, clock.now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retryAfter, 12s);
}

TEST(TokenBucket, RefillsOneTokenPerInterval) {
  const auto limit = RateLimit{.interval = 50ms, .burst = 3};
  FakeClock clock;
  TokenBucket bucket;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(bucket.take(limit, clock.now).allowed);
  ASSERT_FALSE(bucket.take(limit, clock.now).allowed);
  clock.advance(49ms);
  auto d = bucket.take(limit, clock.now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfter, 1ms);
  clock.advance(1ms);
  EXPECT_TRUE(bucket.take(limit, clock.now).allowed);
  EXPECT_FALSE(bucket.take(limit, clock.now).allowed);
  // Sustained: one every interval, never more.
  for (int i = 0; i < 100; ++i) {
    clock.advance(50ms);
    EXPECT_TRUE(bucket.take(limit, clock.now).allowed) << i;
    EXPECT_FALSE(bucket.take(limit, clock.now).allowed) << i;
  }
}

TEST(TokenBucket, RefusedAttemptsCostNothing) {
  const auto limit = RateLimit{.interval = 1s, .burst = 1};
  FakeClock clock;
  TokenBucket bucket;
  ASSERT_TRUE(bucket.take(limit, clock.now).allowed);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(bucket.take(limit, clock.now).allowed);
  clock.advance(1s);
  EXPECT_TRUE(bucket.take(limit, clock.now).allowed);
}

TEST(TokenBucket, IdleTimeRefillsUpToTheBurstOnly) {
  const auto limit = RateLimit{.interval = 10ms, .burst = 4};
  FakeClock clock;
  TokenBucket bucket;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(bucket.take(limit, clock.now).allowed);
  EXPECT_FALSE(bucket.full(clock.now));
  clock.advance(1h);
  EXPECT_TRUE(bucket.full(clock.now));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(bucket.take(limit, clock.now).allowed) << i;
  EXPECT_FALSE(bucket.take(limit, clock.now).allowed);
}

TEST(TokenBucket, PeekDoesNotTake) {
  const auto limit = RateLimit{.interval = 1s, .burst = 1};
  FakeClock clock;
  TokenBucket bucket;
  EXPECT_TRUE(bucket.peek(limit, clock.now).allowed);
  EXPECT_TRUE(bucket.peek(limit, clock.now).allowed);
  EXPECT_TRUE(bucket.take(limit, clock.now).allowed);
  const auto d = bucket.peek(limit, clock.now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfter, 1s);
}

TEST(TokenBucket, UnlimitedAlwaysAllows) {
  FakeClock clock;
  TokenBucket bucket;
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(bucket.take(RateLimit{}, clock.now).allowed);
  EXPECT_TRUE(bucket.full(clock.now));
}

TEST(TokenBucket, RetryAfterSecondsRoundsUpAndIsAtLeastOne) {
  EXPECT_EQ(retryAfterSeconds(0ns), 1);
  EXPECT_EQ(retryAfterSeconds(1ns), 1);
  EXPECT_EQ(retryAfterSeconds(1s), 1);
  EXPECT_EQ(retryAfterSeconds(1s + 1ns), 2);
  EXPECT_EQ(retryAfterSeconds(12s), 12);
  EXPECT_EQ(retryAfterSeconds(599ms), 1);
}

TEST(RateLimitSpec, ParsesCountsAndPeriods) {
  const auto perMinute = parseRateLimit("100", 1min);
  ASSERT_TRUE(perMinute);
  EXPECT_EQ(perMinute->interval, 600ms);
  EXPECT_EQ(perMinute->burst, 100u);

  const auto custom = parseRateLimit("3/2s", 1min);
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->burst, 3u);
  EXPECT_EQ(custom->interval, std::chrono::nanoseconds(2s) / 3);

  EXPECT_EQ(parseRateLimit("10/15m", 1min)->interval, 90s);
  EXPECT_EQ(parseRateLimit("60/h", 1min)->interval, 1min);
  EXPECT_EQ(parseRateLimit("5/500ms", 1min)->interval, 100ms);
  EXPECT_TRUE(parseRateLimit("0", 1min)->unlimited());
  EXPECT_TRUE(parseRateLimit("0/10s", 1min)->unlimited());
}

TEST(RateLimitSpec, RefusesMalformedSpecs) {
  for (const char* bad : {"", "-1", "abc", "10/", "10/0s", "10/3d", "10/25h", "1.5", "10/s/2",
                          "2000000", " 10", "10 /m"}) {
    EXPECT_FALSE(parseRateLimit(bad, std::chrono::minutes(1))) << bad;
  }
}

}  // namespace
}  // namespace gc::core
