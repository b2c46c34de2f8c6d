#pragma once
// Server → client frames (RFC 6455 §5.2): never masked, never fragmented. Only the header is
// built here, so one shared payload can go to many connections with a per-frame header.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ws/rfc6455.hpp"

namespace gc::ws {

// 2 bytes up to 125 payload bytes, 4 up to 65,535, else 10.
inline constexpr std::size_t kMaxServerHeader = 10;

struct FrameHeader {
  std::array<std::uint8_t, kMaxServerHeader> bytes{};
  std::uint8_t size = 0;
};

// A final (FIN) frame header for `payloadSize` bytes of `opcode`.
FrameHeader encodeFrameHeader(Opcode opcode, std::size_t payloadSize);

// The payload of a close frame: the code in network order and the reason, cut to fit a control
// frame at a UTF-8 boundary.
std::string encodeClosePayload(std::uint16_t code, std::string_view reason);

}  // namespace gc::ws
