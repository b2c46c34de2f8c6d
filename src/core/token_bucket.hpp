#pragma once
// A token bucket kept as one instant: the time at which it will be full again. Taking a token
// pushes that instant one interval later; the bucket refills by time passing, with no timer and
// no per-bucket float. (This is the GCRA form of the token bucket: 8 bytes per bucket, which
// matters for the per-connection buckets of 19,000 idle WebSockets.)
//
// Time is always passed in: nothing here reads a clock, so tests drive it by hand.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gc::core {

using SteadyTime = std::chrono::steady_clock::time_point;

// `burst` tokens at most; one more every `interval`. An interval of zero means no limit.
struct RateLimit {
  std::chrono::nanoseconds interval{0};
  std::uint32_t burst = 1;

  // `count` per `period`, with a bucket of `count`: a whole period's worth may be spent at once.
  static constexpr RateLimit perPeriod(std::uint32_t count, std::chrono::nanoseconds period) {
    if (count == 0) return {};
    return {.interval = period / count, .burst = count};
  }
  constexpr bool unlimited() const { return interval.count() <= 0; }
  // How long an empty bucket takes to fill up.
  constexpr std::chrono::nanoseconds refillTime() const { return interval * burst; }
};

// "N" (N per `defaultPeriod`) or "N/PERIOD" with PERIOD one of `500ms`, `2s`, `15m`, `1h` (or a
// bare unit: `s`, `m`, `h`). "0" turns the limit off. Nullopt when malformed or out of range
// (N ≤ 1,000,000, PERIOD ≤ 24 h).
std::optional<RateLimit> parseRateLimit(std::string_view spec,
                                        std::chrono::nanoseconds defaultPeriod);

struct RateDecision {
  bool allowed = true;
  std::chrono::nanoseconds retryAfter{0};  // when refused: until one token is there
};

// Whole seconds for a Retry-After header: rounded up, at least 1.
std::int64_t retryAfterSeconds(std::chrono::nanoseconds retryAfter);

class TokenBucket {
 public:
  // Takes one token when there is one; otherwise takes nothing and says how long to wait.
  RateDecision take(const RateLimit& limit, SteadyTime now) noexcept {
    const auto decision = peek(limit, now);
    if (decision.allowed && !limit.unlimited()) fullAt_ = std::max(fullAt_, now) + limit.interval;
    return decision;
  }

  // What take() would answer, without taking.
  RateDecision peek(const RateLimit& limit, SteadyTime now) const noexcept {
    if (limit.unlimited()) return {};
    // Tokens missing, as time: the bucket holds burst - debt/interval tokens.
    const auto debt = fullAt_ - now;
    const auto allowedDebt = limit.interval * (std::max<std::uint32_t>(limit.burst, 1) - 1);
    if (debt <= allowedDebt) return {};
    return {.allowed = false, .retryAfter = debt - allowedDebt};
  }

  // A full bucket remembers nothing a fresh one would not: it can be dropped.
  bool full(SteadyTime now) const noexcept { return fullAt_ <= now; }
  SteadyTime fullAt() const noexcept { return fullAt_; }

 private:
  SteadyTime fullAt_{};  // in the past (the epoch at first): full
};

}  // namespace gc::core
