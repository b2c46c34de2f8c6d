#pragma once
// Client frames in, server frames out: JSON text only, one object per frame.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chat/messages.hpp"

namespace gc::ws {

struct ClientFrame {
  enum class Type { Send, Typing, Read, Presence, Ping } type = Type::Ping;
  chat::SendRequest send;      // Send
  std::string conversationId;  // Typing, Read
  std::string typingState;     // Typing: "start" | "stop"
  std::int64_t seq = 0;        // Read
  bool away = false;           // Presence: "away" (true) | "online" (false)
};

// A frame we answer with an error frame; the connection stays open.
struct FrameError {
  std::string code;
  std::string message;
  std::string ref;  // the clientMsgId when the frame had one
};

// Throws FrameError.
ClientFrame decodeClientFrame(std::string_view text);

// The clientMsgId of a frame that is refused before it is decoded (rate limited), for the
// error frame's ref; empty when it has none or is not JSON.
std::string clientMsgIdOf(std::string_view text);

std::string encodeErrorFrame(std::string_view code, std::string_view message, std::string_view ref);
std::string encodeAckFrame(std::string_view clientMsgId, std::string_view messageJson);
std::string encodeTypingFrame(std::string_view conversationId, std::string_view userId,
                              std::string_view state);

}  // namespace gc::ws
