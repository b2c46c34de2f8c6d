#pragma once
// JWT access tokens: HS256 only. The algorithm is fixed by the server, never read from the
// token (RFC 8725 §3.1): a header naming anything else, `none` included, is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gc::chat {

struct Claims {
  std::string sub;  // user id
  std::string username;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;
};

std::string signJwt(const Claims& claims, std::string_view secret);

// The claims of a well-formed, correctly signed, unexpired token; nullopt otherwise.
std::optional<Claims> verifyJwt(std::string_view token, std::string_view secret,
                                std::int64_t nowSec);

std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace gc::chat
