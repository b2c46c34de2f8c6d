#pragma once
// The server side of the opening handshake (RFC 6455 §4.2): checking the client's key and
// building the 101 response. The HTTP session checks the request; the WebSocket session
// writes the response as its first bytes.
#include <string>
#include <string_view>

namespace gc::ws {

// The only protocol version there is (§4.4).
inline constexpr std::string_view kWebSocketVersion = "13";

// A Sec-WebSocket-Key must be the base64 of 16 bytes: 22 base64 characters and "==" (§4.1).
bool isValidKey(std::string_view key);

// base64(SHA-1(key + the RFC's GUID)), for Sec-WebSocket-Accept.
std::string acceptKey(std::string_view key);

// "HTTP/1.1 101 Switching Protocols" with the accept key; names the gopherchat.v1 subprotocol
// when the client offered it.
std::string upgradeResponse(std::string_view key, bool answerSubprotocol);

}  // namespace gc::ws
