#include "api/shared_rate_limiter.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "broker/redis_link.hpp"
#include "core/metrics.hpp"

namespace gc::api {
namespace {

namespace asio = boost::asio;
using broker::RedisReply;

// A token bucket in a hash: `tokens` (a fraction while refilling) and `updatedAt` (µs of
// Redis's own clock, so the instances' clocks never matter). Same capacity, refill and
// Retry-After as core::TokenBucket: `burst` tokens, one more per interval, and a refused call
// waits until one whole token is there. The key expires when the bucket would be full again:
// an idle key carries nothing a missing one would not.
//   KEYS[1] rate:<scope>:<key>   ARGV[1] burst   ARGV[2] interval (ns)   ARGV[3] take | peek
//   returns {1, 0} when allowed (a token taken by take), {0, µs until one token} when not
const broker::RedisScript kTokenBucket(R"lua(
local burst = tonumber(ARGV[1])
local interval = tonumber(ARGV[2]) / 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updatedAt')
local tokens = tonumber(state[1])
local updatedAt = tonumber(state[2])
if tokens == nil or updatedAt == nil then
  tokens = burst
elseif now > updatedAt then
  tokens = math.min(burst, tokens + (now - updatedAt) / interval)
end
if tokens < 1 then
  return {0, math.ceil((1 - tokens) * interval)}
end
if ARGV[3] == 'take' then
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 'tokens', tokens, 'updatedAt', now)
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) * interval / 1000)))
end
return {1, 0}
)lua");

// The script's {allowed, µs to wait}; nullopt for anything else (an error reply).
std::optional<core::RateDecision> decisionFrom(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::Array || reply.elements.size() != 2) return std::nullopt;
  const auto& allowed = reply.elements[0];
  const auto& wait = reply.elements[1];
  if (allowed.type != RedisReply::Type::Integer || wait.type != RedisReply::Type::Integer) {
    return std::nullopt;
  }
  if (allowed.integer == 1) return core::RateDecision{};
  return core::RateDecision{.allowed = false,
                            .retryAfter = std::chrono::microseconds(wait.integer)};
}

}  // namespace

SharedRateLimiter::SharedRateLimiter(std::string scope, core::RateLimit limit,
                                     broker::RedisLink* redis)
    : scope_(std::move(scope)), local_(limit), redis_(redis) {}

std::string SharedRateLimiter::redisKey(std::string_view key) const {
  std::string out = "rate:" + scope_ + ":";
  out += key;
  return out;
}

asio::awaitable<core::RateDecision> SharedRateLimiter::take(std::string key) {
  co_return co_await decide(Mode::Take, std::move(key));
}

asio::awaitable<core::RateDecision> SharedRateLimiter::peek(std::string key) {
  co_return co_await decide(Mode::Peek, std::move(key));
}

asio::awaitable<core::RateDecision> SharedRateLimiter::decide(Mode mode, std::string key) {
  if (local_.unlimited()) co_return core::RateDecision{};
  if (redis_ != nullptr) {
    const auto& limit = local_.limit();
    std::vector<std::string> keys{redisKey(key)};
    std::vector<std::string> args{std::to_string(limit.burst),
                                  std::to_string(limit.interval.count()),
                                  mode == Mode::Take ? "take" : "peek"};
    auto send = [redis = redis_, keys = std::move(keys),
                 args = std::move(args)](broker::RedisLink::Done done) {
      redis->script(kTokenBucket, keys, args, std::move(done));
    };
    const auto reply =
        co_await redis_->asyncWithin(kRedisAnswerLimit, std::move(send), asio::use_awaitable);
    if (const auto decision = decisionFrom(reply)) {
      noteRedisAnswered(true, {});
      co_return *decision;
    }
    core::metrics().rateLimitRedisFallbacks.fetch_add(1, std::memory_order_relaxed);
    noteRedisAnswered(false, reply.text);
  }
  const auto now = std::chrono::steady_clock::now();
  co_return mode == Mode::Take ? local_.take(key, now) : local_.peek(key, now);
}

asio::awaitable<void> SharedRateLimiter::forget(std::string key) {
  local_.forget(key);
  if (redis_ == nullptr || local_.unlimited()) co_return;
  auto send = [redis = redis_, redisKey = redisKey(key)](broker::RedisLink::Done done) {
    std::vector<std::string> del{"DEL", redisKey};
    redis->command(std::move(del), std::move(done));
  };
  // Best effort: a bucket Redis keeps through an outage expires by itself.
  co_await redis_->asyncWithin(kRedisAnswerLimit, std::move(send), asio::use_awaitable);
}

void SharedRateLimiter::noteRedisAnswered(bool answered, std::string_view why) {
  if (answered) {
    if (onLocalFallback_.exchange(false, std::memory_order_relaxed)) {
      spdlog::info("rate limit {}: Redis decides again (shared across instances)", scope_);
    }
  } else if (!onLocalFallback_.exchange(true, std::memory_order_relaxed)) {
    spdlog::warn("rate limit {}: Redis did not decide ({}); this instance decides alone", scope_,
                 why);
  }
}

}  // namespace gc::api
