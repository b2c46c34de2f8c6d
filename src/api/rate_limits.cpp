#include "api/rate_limits.hpp"

#include <atomic>
#include <string>

#include "api/client_address.hpp"
#include "core/ascii.hpp"
#include "core/metrics.hpp"

namespace gc::api {
namespace {

std::optional<Response> refuseIfLimited(core::KeyedRateLimiter& limiter, std::string_view key,
                                        std::atomic<std::uint64_t>& counter,
                                        std::string_view what) {
  const auto decision = limiter.take(key, std::chrono::steady_clock::now());
  if (decision.allowed) return std::nullopt;
  counter.fetch_add(1, std::memory_order_relaxed);
  return rateLimitedResponse(decision.retryAfter, what);
}

// Usernames and emails are unique case-insensitively: so is the failure count.
std::string loginKey(std::string_view login) {
  return core::asciiLower(login);
}

}  // namespace

RateLimiters::RateLimiters(const core::Config& config)
    : rest_(config.restRateLimit),
      login_(config.loginRateLimit),
      register_(config.registerRateLimit),
      loginFailures_(config.loginFailureLimit) {}

std::optional<Response> RateLimiters::limitUser(const Request& req) {
  if (req.method == "POST" && req.path == "/api/auth/logout") return std::nullopt;
  return refuseIfLimited(rest_, req.userId(), core::metrics().rateLimitedRest, "requests");
}

std::optional<Response> RateLimiters::limitLogin(const Request& req) {
  return refuseIfLimited(login_, rateLimitKey(req.clientAddress), core::metrics().rateLimitedLogin,
                         "login attempts from this address");
}

std::optional<Response> RateLimiters::limitRegister(const Request& req) {
  return refuseIfLimited(register_, rateLimitKey(req.clientAddress),
                         core::metrics().rateLimitedRegister, "registrations from this address");
}

std::optional<Response> RateLimiters::limitLoginFailures(std::string_view login) {
  const auto decision = loginFailures_.peek(loginKey(login), std::chrono::steady_clock::now());
  if (decision.allowed) return std::nullopt;
  core::metrics().rateLimitedLoginFailures.fetch_add(1, std::memory_order_relaxed);
  return rateLimitedResponse(decision.retryAfter, "failed logins for this account");
}

void RateLimiters::loginFailed(std::string_view login) {
  loginFailures_.take(loginKey(login), std::chrono::steady_clock::now());
}

void RateLimiters::loginSucceeded(std::string_view login) {
  loginFailures_.forget(loginKey(login));
}

Response rateLimitedResponse(std::chrono::nanoseconds retryAfter, std::string_view what) {
  const auto seconds = core::retryAfterSeconds(retryAfter);
  auto r = errorResponse(429, "rate_limited",
                         "too many " + std::string(what) + "; retry in " + std::to_string(seconds) +
                             (seconds == 1 ? " second" : " seconds"));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

}  // namespace gc::api
