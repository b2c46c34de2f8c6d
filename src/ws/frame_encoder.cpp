#include "ws/frame_encoder.hpp"

namespace gc::ws {

FrameHeader encodeFrameHeader(Opcode opcode, std::size_t payloadSize) {
  FrameHeader h;
  h.bytes[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(opcode));
  if (payloadSize <= 125) {
    h.bytes[1] = static_cast<std::uint8_t>(payloadSize);
    h.size = 2;
  } else if (payloadSize <= 0xFFFF) {
    h.bytes[1] = 126;
    h.bytes[2] = static_cast<std::uint8_t>(payloadSize >> 8);
    h.bytes[3] = static_cast<std::uint8_t>(payloadSize);
    h.size = 4;
  } else {
    h.bytes[1] = 127;
    const auto n = static_cast<std::uint64_t>(payloadSize);
    for (int i = 0; i < 8; ++i) h.bytes[2 + i] = static_cast<std::uint8_t>(n >> (56 - 8 * i));
    h.size = 10;
  }
  return h;
}

std::string encodeClosePayload(std::uint16_t code, std::string_view reason) {
  if (reason.size() > kMaxCloseReason) {
    reason = reason.substr(0, kMaxCloseReason);
    // Do not end inside a code point: drop trailing continuation bytes and their lead.
    std::size_t end = reason.size();
    while (end > 0 && (static_cast<unsigned char>(reason[end - 1]) & 0xC0) == 0x80) --end;
    if (end > 0 && static_cast<unsigned char>(reason[end - 1]) >= 0xC0) {
      const auto lead = static_cast<unsigned char>(reason[end - 1]);
      const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      if (reason.size() - (end - 1) < length) reason = reason.substr(0, end - 1);
    }
  }
  std::string payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

}  // namespace gc::ws
