#pragma once
// Message authentication codes and the standard base64 alphabet (RFC 4648 §4, padded), for
// JWT signatures, the WebSocket accept key and TURN credentials. OpenSSL stays in digest.cpp.
#include <string>
#include <string_view>

namespace gc::core {

// Raw MAC bytes.
std::string hmacSha256(std::string_view key, std::string_view data);
std::string hmacSha1(std::string_view key, std::string_view data);

// Standard base64 with '=' padding (not the URL-safe alphabet of JWTs).
std::string base64Encode(std::string_view bytes);

}  // namespace gc::core
