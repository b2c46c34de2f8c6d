#pragma once
// The limits shared across connections: REST requests per user, logins and registrations per
// client address, failed logins per login name. Each answers nullopt to go on, or the 429 to
// send. (The WebSocket limit is per connection and lives in the session.)
#include <chrono>
#include <optional>
#include <string_view>

#include "api/http_types.hpp"
#include "core/config.hpp"
#include "core/keyed_rate_limiter.hpp"

namespace gc::api {

class RateLimiters {
 public:
  explicit RateLimiters(const core::Config& config);

  // After authentication, for every authenticated route but logout (which must always work).
  std::optional<Response> limitUser(const Request& req);
  std::optional<Response> limitLogin(const Request& req);
  std::optional<Response> limitRegister(const Request& req);

  // Before checking a password: refused while `login` has failed too often lately.
  std::optional<Response> limitLoginFailures(std::string_view login);
  void loginFailed(std::string_view login);
  void loginSucceeded(std::string_view login);

 private:
  core::KeyedRateLimiter rest_;
  core::KeyedRateLimiter login_;
  core::KeyedRateLimiter register_;
  core::KeyedRateLimiter loginFailures_;
};

// 429 rate_limited with Retry-After in whole seconds (≥ 1).
Response rateLimitedResponse(std::chrono::nanoseconds retryAfter, std::string_view what);

}  // namespace gc::api
