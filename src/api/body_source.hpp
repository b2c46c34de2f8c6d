#pragma once
// A request body read as it arrives, for the routes that stream it (uploads) instead of
// receiving it whole. The HTTP server implements it over its parser; handlers see no Beast.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace gc::api {

// An upload's body is its file and the multipart framing around it (boundaries, part
// headers): it may exceed the file size limit by this much.
inline constexpr std::uint64_t kMultipartAllowance = std::uint64_t{64} * 1024;

// The 413 of an upload, whether its declared length or its bytes gave it away: it names the
// limit, so that the client can tell the person what would fit.
inline core::ApiError uploadTooLarge(std::uint64_t limit) {
  return core::ApiError(413, "too_large",
                        "file: larger than the limit of " + std::to_string(limit) + " bytes");
}

class BodySource {
 public:
  virtual ~BodySource() = default;
  // Up to `capacity` bytes of the body into `out`; 0 once the body is complete. Throws
  // core::ApiError: 413 past the server's body limit (a chunked body, or one whose
  // Content-Length lied), 400 when the body broke off.
  virtual boost::asio::awaitable<std::size_t> read(char* out, std::size_t capacity) = 0;
  // The declared Content-Length; nullopt for a chunked body.
  virtual std::optional<std::uint64_t> contentLength() const = 0;
};

}  // namespace gc::api
