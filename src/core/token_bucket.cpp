#include "core/token_bucket.hpp"

#include <charconv>

namespace gc::core {
namespace {

constexpr std::uint64_t kMaxCount = 1'000'000;
constexpr std::chrono::nanoseconds kMaxPeriod = std::chrono::hours(24);

std::optional<std::uint64_t> parseNumber(std::string_view s) {
  std::uint64_t value = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return value;
}

std::optional<std::chrono::nanoseconds> parsePeriod(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::uint64_t amount = 1;
  if (digits > 0) {
    const auto n = parseNumber(s.substr(0, digits));
    if (!n || *n == 0 || *n > 1'000'000) return std::nullopt;
    amount = *n;
  }
  const auto unit = s.substr(digits);
  std::chrono::nanoseconds one;
  if (unit == "ms") {
    one = std::chrono::milliseconds(1);
  } else if (unit == "s") {
    one = std::chrono::seconds(1);
  } else if (unit == "m") {
    one = std::chrono::minutes(1);
  } else if (unit == "h") {
    one = std::chrono::hours(1);
  } else {
    return std::nullopt;
  }
  const auto period = one * static_cast<std::int64_t>(amount);
  if (period > kMaxPeriod) return std::nullopt;
  return period;
}

}  // namespace

std::optional<RateLimit> parseRateLimit(std::string_view spec,
                                        std::chrono::nanoseconds defaultPeriod) {
  const auto slash = spec.find('/');
  const auto count = parseNumber(spec.substr(0, slash));
  if (!count || *count > kMaxCount) return std::nullopt;
  auto period = defaultPeriod;
  if (slash != std::string_view::npos) {
    const auto p = parsePeriod(spec.substr(slash + 1));
    if (!p) return std::nullopt;
    period = *p;
  }
  if (*count == 0) return RateLimit{};
  // Below a nanosecond per token the limit means nothing: refuse rather than divide to zero.
  if (period.count() < static_cast<std::int64_t>(*count)) return std::nullopt;
  return RateLimit::perPeriod(static_cast<std::uint32_t>(*count), period);
}

std::int64_t retryAfterSeconds(std::chrono::nanoseconds retryAfter) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(retryAfter).count();
  return std::max<std::int64_t>(1, seconds);
}

}  // namespace gc::core
