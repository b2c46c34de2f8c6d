#pragma once
// Client → server frames (RFC 6455 §5): an incremental parser and validator with no I/O.
// Feed it whatever the socket delivered; it returns one event at a time. It holds bytes only
// while a frame header, a control frame or a fragmented/partial message is incomplete, so an
// idle connection's parser owns no heap memory.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/utf8_validator.hpp"
#include "ws/rfc6455.hpp"

namespace gc::ws {

class FrameParser {
 public:
  struct Event {
    enum class Kind : std::uint8_t {
      NeedMore,  // `input` is used up and nothing is complete yet
      Text,      // a whole message; `payload` is valid UTF-8
      Binary,
      Ping,  // answer with a pong carrying `payload`
      Pong,
      Close,  // the peer's close: `code` (kNoStatus when it sent none), `payload` = reason
      Error,  // the peer broke the protocol: close with `code` (1002, 1007 or 1009)
    };
    Kind kind = Kind::NeedMore;
    std::string_view payload;
    std::uint16_t code = 0;
  };

  // `messageLimit` bounds a message's payload summed over its fragments; a frame header that
  // would pass it fails at once with 1009, before any of its payload is buffered.
  explicit FrameParser(std::size_t messageLimit) : limit_(messageLimit) {}

  // Consumes bytes from the front of `input` (unmasking them in place) up to the end of the next
  // event. `payload` points into `input` or into this parser and stays valid until the next call.
  // After Close or Error nothing more is consumed, and Error repeats.
  Event next(std::span<char>& input);

  // Bytes held for an incomplete frame or message (0 between messages).
  std::size_t bufferedBytes() const { return message_.size() + control_.size() + headerSize_; }

 private:
  enum class State : std::uint8_t { Header, Payload, Closed, Failed };

  bool readHeader(std::span<char>& input);
  Event payload(std::span<char>& input);
  Event controlFrame(std::string_view payload);
  Event fail(std::uint16_t code);
  void unmask(std::span<char> data) const;
  bool isControl() const { return (opcode_ & 0x8) != 0; }

  std::size_t limit_;
  std::uint64_t frameSize_ = 0;    // payload length of the current frame
  std::uint64_t remaining_ = 0;    // of it, still to come
  std::uint64_t messageSize_ = 0;  // payload of the current message so far, all fragments
  std::string message_;            // a message that spans frames or reads, until it completes
  std::string control_;            // a control frame's payload split across reads
  core::Utf8Validator utf8_;       // the current text message, across fragments
  State state_ = State::Header;
  std::uint8_t headerSize_ = 0;
  std::array<std::uint8_t, 14> header_{};  // 2 + 8 (length) + 4 (mask) at most
  std::array<std::uint8_t, 4> mask_{};
  std::uint8_t opcode_ = 0;         // of the current frame
  std::uint8_t messageOpcode_ = 0;  // Text or Binary while a message is open, else 0
  bool fin_ = false;
  bool releaseMessage_ = false;  // message_ was handed out: free it on the next call
  bool releaseControl_ = false;
  std::uint16_t failCode_ = 0;
};

}  // namespace gc::ws
