#include "api/rate_limits.hpp"

#include <atomic>
#include <string>

#include "api/client_address.hpp"
#include "core/ascii.hpp"
#include "core/metrics.hpp"

namespace gc::api {
namespace {

using boost::asio::awaitable;

// `what` names the limit in the message (a string literal: it outlives the coroutine).
awaitable<std::optional<Response>> refuseIfLimited(SharedRateLimiter& limiter, std::string key,
                                                   std::atomic<std::uint64_t>& counter,
                                                   std::string_view what) {
  const auto decision = co_await limiter.take(std::move(key));
  if (decision.allowed) co_return std::nullopt;
  counter.fetch_add(1, std::memory_order_relaxed);
  co_return rateLimitedResponse(decision.retryAfter, what);
}

// Usernames and emails are unique case-insensitively: so is the failure count.
std::string loginKey(std::string_view login) {
  return core::asciiLower(login);
}

}  // namespace

RateLimiters::RateLimiters(const core::Config& config, broker::RedisLink* redis)
    : rest_("rest", config.restRateLimit, redis),
      login_("login", config.loginRateLimit, redis),
      register_("register", config.registerRateLimit, redis),
      loginFailures_("login-failures", config.loginFailureLimit, redis) {}

awaitable<std::optional<Response>> RateLimiters::limitUser(const Request& req) {
  if (req.method == "POST" && req.path == "/api/auth/logout") co_return std::nullopt;
  std::string key = req.userId();
  co_return co_await refuseIfLimited(rest_, std::move(key), core::metrics().rateLimitedRest,
                                     "requests");
}

awaitable<std::optional<Response>> RateLimiters::limitLogin(const Request& req) {
  std::string key = rateLimitKey(req.clientAddress);
  co_return co_await refuseIfLimited(login_, std::move(key), core::metrics().rateLimitedLogin,
                                     "login attempts from this address");
}

awaitable<std::optional<Response>> RateLimiters::limitRegister(const Request& req) {
  std::string key = rateLimitKey(req.clientAddress);
  co_return co_await refuseIfLimited(register_, std::move(key), core::metrics().rateLimitedRegister,
                                     "registrations from this address");
}

awaitable<std::optional<Response>> RateLimiters::limitLoginFailures(std::string login) {
  std::string key = loginKey(login);
  const auto decision = co_await loginFailures_.peek(std::move(key));
  if (decision.allowed) co_return std::nullopt;
  core::metrics().rateLimitedLoginFailures.fetch_add(1, std::memory_order_relaxed);
  co_return rateLimitedResponse(decision.retryAfter, "failed logins for this account");
}

awaitable<void> RateLimiters::loginFailed(std::string login) {
  std::string key = loginKey(login);
  co_await loginFailures_.take(std::move(key));
}

awaitable<void> RateLimiters::loginSucceeded(std::string login) {
  std::string key = loginKey(login);
  co_await loginFailures_.forget(std::move(key));
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
