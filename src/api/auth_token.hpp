#pragma once
// Where a request carries its token: Authorization: Bearer, the gc_token cookie, or (for
// WebSockets) the bearer.<token> subprotocol.
#include <optional>
#include <string_view>

namespace gc::api {

struct TokenSources {
  std::string_view authorization;
  std::string_view cookie;
  std::string_view subprotocols;  // Sec-WebSocket-Protocol, WebSockets only
};

enum class TokenLookup { Missing, Found, Malformed };

// The first token present, in the order above. A malformed Authorization header is
// reported as such so that it is refused, not silently skipped.
std::pair<TokenLookup, std::string_view> findToken(const TokenSources& sources);

std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name);

}  // namespace gc::api
