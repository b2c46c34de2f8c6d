#pragma once
// The limits shared across connections: REST requests per user, logins and registrations per
// client address, failed logins per login name. Each answers nullopt to go on, or the 429 to
// send. (The WebSocket limit is per connection and lives in the session.)
//
// With a Redis link (--redis, several instances behind a load balancer) each limit holds across
// instances (api::SharedRateLimiter); the decisions are awaited, never blocking an io thread.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/shared_rate_limiter.hpp"
#include "core/config.hpp"

namespace gc::api {

class RateLimiters {
 public:
  // `redis`: the link through which the limits hold across instances; null for one instance
  // (then Redis is never called). It must outlive the limiters.
  explicit RateLimiters(const core::Config& config, broker::RedisLink* redis = nullptr);

  // After authentication, for every authenticated route but logout (which must always work).
  boost::asio::awaitable<std::optional<Response>> limitUser(const Request& req);
  boost::asio::awaitable<std::optional<Response>> limitLogin(const Request& req);
  boost::asio::awaitable<std::optional<Response>> limitRegister(const Request& req);

  // Before checking a password: refused while `login` has failed too often lately.
  boost::asio::awaitable<std::optional<Response>> limitLoginFailures(std::string login);
  boost::asio::awaitable<void> loginFailed(std::string login);
  boost::asio::awaitable<void> loginSucceeded(std::string login);

 private:
  SharedRateLimiter rest_;
  SharedRateLimiter login_;
  SharedRateLimiter register_;
  SharedRateLimiter loginFailures_;
};

// 429 rate_limited with Retry-After in whole seconds (≥ 1).
Response rateLimitedResponse(std::chrono::nanoseconds retryAfter, std::string_view what);

}  // namespace gc::api
