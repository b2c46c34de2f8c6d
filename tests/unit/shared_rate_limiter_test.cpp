// Rate limits that hold across instances, on a real redis-server: two limiters (two instances)
// on one Redis draw from one bucket; the bucket refills, its key expires, and a refusal says
// how long to wait exactly as the local bucket would; while Redis is down or stuck each
// instance's local bucket answers at once, and once Redis is back the bucket is shared again.
#include "api/shared_rate_limiter.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "api/rate_limits.hpp"
#include "broker/redis_link.hpp"
#include "core/metrics.hpp"
#include "redis_test_server.hpp"

namespace gc::api {
namespace {

namespace asio = boost::asio;
using broker::RedisLink;
using broker::RedisServer;
using core::RateDecision;
using core::RateLimit;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

std::string urlOf(const RedisServer& redis) {
  return "redis://127.0.0.1:" + std::to_string(redis.port());
}

std::uint64_t fallbacks() {
  return core::metrics().rateLimitRedisFallbacks.load();
}

// A link that has answered a PING (at most 10 s): connected, or the test cannot go on.
std::unique_ptr<RedisLink> connectedLink(const RedisServer& redis,
                                         std::function<void()> reconnected = nullptr) {
  auto link = std::make_unique<RedisLink>(
      RedisLink::Options{.url = urlOf(redis), .reconnected = std::move(reconnected)});
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (link->call({"PING"}, 1s).isError() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling a condition: the connection is being made
  }
  return link;
}

// Counts the reconnections of the links it is given to, and waits for them.
struct Reconnections {
  std::function<void()> callback() {
    return [this] {
      std::lock_guard lock(mutex);
      ++count;
      cv.notify_all();
    };
  }
  bool waitFor(int n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, 15s, [&] { return count >= n; });
  }
  std::mutex mutex;
  std::condition_variable cv;
  int count = 0;
};

// A redis-server of the test's own, and the limiters' coroutines run on an io_context of the
// test's thread. Both outlive every link of a test (a reply Redis gives after its wait ran out
// still finds the io_context).
class SharedRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis.ready()); }

  template <class T>
  T await(asio::awaitable<T> work) {
    std::optional<T> out;
    asio::co_spawn(ioc_, std::move(work), [&out](std::exception_ptr e, T value) {
      if (e) std::rethrow_exception(e);
      out = std::move(value);
    });
    runUntilDone();
    return std::move(*out);
  }
  void await(asio::awaitable<void> work) {
    asio::co_spawn(ioc_, std::move(work), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    runUntilDone();
  }
  RateDecision take(SharedRateLimiter& limiter, std::string key) {
    return await(limiter.take(std::move(key)));
  }
  RateDecision peek(SharedRateLimiter& limiter, std::string key) {
    return await(limiter.peek(std::move(key)));
  }

 private:
  void runUntilDone() {
    ioc_.restart();
    ioc_.run();
  }
  asio::io_context ioc_;

 protected:
  RedisServer redis;
};

TEST_F(SharedRateLimiterTest, TwoInstancesOnOneRedisDrawFromOneBucket) {
  auto linkA = connectedLink(redis);
  auto linkB = connectedLink(redis);
  const auto limit = RateLimit::perPeriod(5, 1h);
  SharedRateLimiter a("rest", limit, linkA.get());
  SharedRateLimiter b("rest", limit, linkB.get());
  const auto before = fallbacks();

  // Alone, each would allow 5: together they allow 5.
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += take(i % 2 == 0 ? a : b, "u1").allowed ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  for (auto* limiter : {&a, &b}) {
    const auto refused = take(*limiter, "u1");
    EXPECT_FALSE(refused.allowed);
    // One token every 12 minutes, and a few milliseconds of it have passed.
    EXPECT_GT(refused.retryAfter, 12min - 5s);
    EXPECT_LE(refused.retryAfter, 12min);
  }
  // Other keys and other scopes are other buckets.
  EXPECT_TRUE(take(a, "u2").allowed);
  SharedRateLimiter login("login", limit, linkB.get());
  EXPECT_TRUE(take(login, "u1").allowed);
  EXPECT_EQ(fallbacks(), before) << "Redis decided every time";
}

TEST_F(SharedRateLimiterTest, RetryAfterIsTheLocalBucketsAndPeekTakesNothing) {
  auto link = connectedLink(redis);
  const auto limit = RateLimit::perPeriod(3, 30s);  // one token every 10 s
  SharedRateLimiter shared("login-failures", limit, link.get());
  core::KeyedRateLimiter local(limit);

  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(peek(shared, "alice").allowed);
    EXPECT_TRUE(take(shared, "alice").allowed);
    EXPECT_TRUE(local.take("alice", std::chrono::steady_clock::now()).allowed);
  }
  const auto sharedRefusal = peek(shared, "alice");
  const auto localRefusal = local.peek("alice", std::chrono::steady_clock::now());
  ASSERT_FALSE(sharedRefusal.allowed);
  ASSERT_FALSE(localRefusal.allowed);
  EXPECT_LT(std::chrono::abs(sharedRefusal.retryAfter - localRefusal.retryAfter), 100ms);
  EXPECT_EQ(core::retryAfterSeconds(sharedRefusal.retryAfter), 10);
  const auto response = rateLimitedResponse(sharedRefusal.retryAfter, "failed logins");
  EXPECT_EQ(response.status, 429);
  EXPECT_NE(std::find(response.headers.begin(), response.headers.end(),
                      std::pair<std::string, std::string>{"Retry-After", "10"}),
            response.headers.end());
  // A take refused is not recorded either: the wait stays one interval at most.
  EXPECT_FALSE(take(shared, "alice").allowed);
  EXPECT_LE(peek(shared, "alice").retryAfter, 10s);

  await(shared.forget("alice"));
  EXPECT_EQ(link->call({"EXISTS", shared.redisKey("alice")}, 1s).integer, 0);
  EXPECT_TRUE(take(shared, "alice").allowed);
}

TEST_F(SharedRateLimiterTest, TheBucketRefillsAndItsIdleKeyExpires) {
  auto link = connectedLink(redis);
  const auto limit = RateLimit::perPeriod(2, 400ms);  // one token every 200 ms
  SharedRateLimiter limiter("rest", limit, link.get());
  const auto key = limiter.redisKey("u1");

  EXPECT_TRUE(take(limiter, "u1").allowed);
  EXPECT_TRUE(take(limiter, "u1").allowed);
  const auto refusedAt = std::chrono::steady_clock::now();
  const auto refused = take(limiter, "u1");
  ASSERT_FALSE(refused.allowed);
  EXPECT_GT(refused.retryAfter, 0ms);
  EXPECT_LE(refused.retryAfter, 200ms);
  // The key lives until the bucket would be full again, no longer.
  const auto ttl = link->call({"PTTL", key}, 1s).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 400);

  // Allowed again once the token Retry-After named is there, and not before.
  const auto deadline = refusedAt + 2s;
  while (!peek(limiter, "u1").allowed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);  // polling a condition: the bucket refills with time
  }
  const auto waited = std::chrono::steady_clock::now() - refusedAt;
  EXPECT_GE(waited, refused.retryAfter - 10ms);
  EXPECT_LT(waited, refused.retryAfter + 500ms);
  EXPECT_TRUE(take(limiter, "u1").allowed);

  // Idle, the bucket fills up and its key goes.
  const auto gone = std::chrono::steady_clock::now() + 2s;
  while (link->call({"EXISTS", key}, 1s).integer != 0 && std::chrono::steady_clock::now() < gone) {
    std::this_thread::sleep_for(10ms);  // polling a condition: Redis expires the key
  }
  EXPECT_EQ(link->call({"EXISTS", key}, 1s).integer, 0);
}

TEST_F(SharedRateLimiterTest, RedisDownTheLocalBucketAnswersAtOnceAndRedisBackSharesAgain) {
  Reconnections reconnections;
  auto linkA = connectedLink(redis, reconnections.callback());
  auto linkB = connectedLink(redis, reconnections.callback());
  const auto limit = RateLimit::perPeriod(3, 1h);
  SharedRateLimiter a("rest", limit, linkA.get());
  SharedRateLimiter b("rest", limit, linkB.get());
  EXPECT_TRUE(take(a, "u1").allowed);
  EXPECT_TRUE(take(b, "u1").allowed);

  redis.kill();
  const auto before = fallbacks();
  // Each instance alone: its own full bucket of 3, answered without waiting for Redis.
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(take(a, "u1").allowed) << i;
    EXPECT_LT(std::chrono::steady_clock::now() - start,
              SharedRateLimiter::kRedisAnswerLimit + 100ms);
  }
  EXPECT_FALSE(take(a, "u1").allowed) << "the local bucket still limits";
  EXPECT_TRUE(take(b, "u1").allowed) << "another instance has a bucket of its own meanwhile";
  EXPECT_EQ(fallbacks(), before + 5);

  redis.start();
  ASSERT_TRUE(redis.ready());
  ASSERT_TRUE(reconnections.waitFor(2));
  // A fresh Redis (it kept nothing): one bucket of 3 for both again.
  const auto back = fallbacks();
  int allowed = 0;
  for (int i = 0; i < 6; ++i) allowed += take(i % 2 == 0 ? b : a, "u1").allowed ? 1 : 0;
  EXPECT_EQ(allowed, 3);
  EXPECT_EQ(fallbacks(), back);
}

TEST_F(SharedRateLimiterTest, AStuckRedisIsWaitedForNoLongerThanTheAnswerLimit) {
  auto link = connectedLink(redis);
  SharedRateLimiter limiter("rest", RateLimit::perPeriod(1, 1h), link.get());
  EXPECT_TRUE(take(limiter, "u1").allowed);

  // Redis holds every client's commands for 3 s (its socket stays open: nothing fails).
  redisContext* admin = redisConnect("127.0.0.1", redis.port());
  ASSERT_TRUE(admin != nullptr && admin->err == 0);
  auto* paused = static_cast<redisReply*>(redisCommand(admin, "CLIENT PAUSE 3000 ALL"));
  ASSERT_TRUE(paused != nullptr && paused->type == REDIS_REPLY_STATUS);
  freeReplyObject(paused);
  redisFree(admin);

  const auto before = fallbacks();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(take(limiter, "u1").allowed) << "the local bucket answered";
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, SharedRateLimiter::kRedisAnswerLimit);
  EXPECT_LT(waited, SharedRateLimiter::kRedisAnswerLimit + 500ms);
  EXPECT_EQ(fallbacks(), before + 1);
}

TEST_F(SharedRateLimiterTest, AnUnlimitedScopeNeverAsksRedis) {
  // Nothing listens there: any call to it would be a fallback.
  RedisLink link({.url = "redis://127.0.0.1:" + std::to_string(broker::freeLoopbackPort()),
                  .reconnected = nullptr});
  SharedRateLimiter limiter("rest", RateLimit{}, &link);
  const auto before = fallbacks();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(take(limiter, "u1").allowed);
  EXPECT_EQ(fallbacks(), before);
}

TEST_F(SharedRateLimiterTest, FailedLoginsOnTwoInstancesLockTheLoginAndASuccessUnlocksIt) {
  auto linkA = connectedLink(redis);
  auto linkB = connectedLink(redis);
  core::Config config;
  config.loginFailureLimit = RateLimit::perPeriod(3, 15min);
  RateLimiters a(config, linkA.get());
  RateLimiters b(config, linkB.get());

  await(a.loginFailed("Alice"));
  await(b.loginFailed("alice"));
  EXPECT_FALSE(await(a.limitLoginFailures("ALICE")).has_value()) << "two of three";
  await(a.loginFailed("alice"));
  for (auto* limits : {&a, &b}) {
    const auto refused = await(limits->limitLoginFailures("alice"));
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 429);
  }
  await(b.loginSucceeded("Alice"));
  EXPECT_FALSE(await(a.limitLoginFailures("alice")).has_value());
}

}  // namespace
}  // namespace gc::api
