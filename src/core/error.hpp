#pragma once
// The one error type that travels from the store through the services to the edge, where the
// HTTP layer alone turns it into a status and the WebSocket layer into an error frame.
#include <stdexcept>
#include <string>
#include <string_view>

namespace gc::core {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

// A 400 naming the offending field first, as the contract asks.
inline ApiError invalidField(std::string_view field, std::string_view why) {
  return ApiError(400, "invalid_request", std::string(field) + ": " + std::string(why));
}
inline ApiError unauthorized(const std::string& message = "authentication required") {
  return ApiError(401, "unauthorized", message);
}
inline ApiError forbidden(const std::string& message = "you are not allowed to do this") {
  return ApiError(403, "forbidden", message);
}
// A block between the two users forbids it (DMs, friend requests, typing).
inline ApiError blocked(const std::string& message) {
  return ApiError(403, "blocked", message);
}
inline ApiError notFound(const std::string& message = "not found") {
  return ApiError(404, "not_found", message);
}
inline ApiError conflict(std::string code, const std::string& message) {
  return ApiError(409, std::move(code), message);
}
inline ApiError unavailable(const std::string& message = "service unavailable") {
  return ApiError(503, "unavailable", message);
}

}  // namespace gc::core
