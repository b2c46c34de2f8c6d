#pragma once
// RFC 6455 wire constants shared by the frame parser, the encoder and the session.
#include <cstddef>
#include <cstdint>

namespace gc::ws {

enum class Opcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Status codes (RFC 6455 §7.4.1) this server sends or has to recognise.
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kNoStatus = 1005;  // never on the wire: "the close had no code"
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kTooBig = 1009;
// "Come back": the server cannot vouch for what this connection missed (a broker outage).
inline constexpr std::uint16_t kServiceRestart = 1012;
}  // namespace close_code

// Control frames carry at most 125 bytes and are never fragmented (§5.5).
inline constexpr std::size_t kMaxControlPayload = 125;
// A close payload is the 2-byte code and at most 123 bytes of UTF-8 reason.
inline constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;

}  // namespace gc::ws
