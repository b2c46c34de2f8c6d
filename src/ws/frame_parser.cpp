#include "ws/frame_parser.hpp"

#include <algorithm>
#include <cstring>

namespace gc::ws {
namespace {

using Event = FrameParser::Event;

bool isKnownOpcode(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::Continuation:
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Close:
    case Opcode::Ping:
    case Opcode::Pong:
      return true;
  }
  return false;  // 3–7 and B–F are reserved (§5.2)
}

// Codes a peer may send (§7.4): the defined ones that are not reserved for local use, and the
// ranges for libraries/frameworks (3000–3999) and applications (4000–4999). 1004–1006 and 1015
// must never be on the wire; 1012–1014 are registered with IANA since (service restart, try
// again later, bad gateway); 1016–2999 are unassigned.
bool isValidCloseCode(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

std::uint64_t readBigEndian(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

Event FrameParser::fail(std::uint16_t code) {
  state_ = State::Failed;
  failCode_ = code;
  // Nothing held is of use any more.
  headerSize_ = 0;
  std::string().swap(message_);
  std::string().swap(control_);
  return {.kind = Event::Kind::Error, .payload = {}, .code = code};
}

Event FrameParser::next(std::span<char>& input) {
  // The previous event's payload may have pointed into these; its reader is done with it now.
  if (releaseMessage_) {
    std::string().swap(message_);
    releaseMessage_ = false;
  }
  if (releaseControl_) {
    std::string().swap(control_);
    releaseControl_ = false;
  }
  for (;;) {
    switch (state_) {
      case State::Failed:
        return {.kind = Event::Kind::Error, .payload = {}, .code = failCode_};
      case State::Closed:
        return {};
      case State::Header:
        if (!readHeader(input)) {
          if (state_ == State::Failed)
            return {.kind = Event::Kind::Error, .payload = {}, .code = failCode_};
          return {};
        }
        break;
      case State::Payload:
        if (remaining_ > 0 && input.empty()) return {};
        if (auto event = payload(input); event.kind != Event::Kind::NeedMore) return event;
        break;
    }
  }
}

// Gathers the header into header_ and checks it; true once it is complete and valid. Each rule
// is checked as soon as the bytes it needs are here, so a bad frame fails without waiting.
bool FrameParser::readHeader(std::span<char>& input) {
  auto take = [&](std::size_t upTo) {
    const auto n = std::min<std::size_t>(upTo - headerSize_, input.size());
    std::memcpy(header_.data() + headerSize_, input.data(), n);
    headerSize_ = static_cast<std::uint8_t>(headerSize_ + n);
    input = input.subspan(n);
    return headerSize_ == upTo;
  };
  auto reject = [this](std::uint16_t code) {
    fail(code);
    return false;
  };
  if (headerSize_ < 2 && !take(2)) return false;

  const std::uint8_t b0 = header_[0];
  const std::uint8_t b1 = header_[1];
  const bool fin = (b0 & 0x80) != 0;
  const std::uint8_t opcode = b0 & 0x0F;
  const bool control = (opcode & 0x8) != 0;
  const std::uint8_t length7 = b1 & 0x7F;
  // No extension is negotiated, so no RSV bit may be set (§5.2).
  if ((b0 & 0x70) != 0 || !isKnownOpcode(opcode)) return reject(close_code::kProtocolError);
  // Every client frame is masked (§5.1).
  if ((b1 & 0x80) == 0) return reject(close_code::kProtocolError);
  if (control) {
    if (!fin || length7 > kMaxControlPayload) return reject(close_code::kProtocolError);
  } else if ((opcode == 0) != (messageOpcode_ != 0)) {
    // A continuation needs an open message; a new message needs the previous one finished.
    return reject(close_code::kProtocolError);
  }

  const int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  const std::size_t headerSize = 2 + lengthBytes + 4;
  if (!take(headerSize)) return false;

  std::uint64_t length = length7;
  if (lengthBytes > 0) {
    length = readBigEndian(header_.data() + 2, lengthBytes);
    // The most significant bit must be 0, and the length must use the shortest form (§5.2).
    const bool minimal = lengthBytes == 2 ? length >= 126 : length > 0xFFFF;
    if ((length >> 63) != 0 || !minimal) return reject(close_code::kProtocolError);
  }
  if (!control) {
    if (opcode != 0) {
      messageOpcode_ = opcode;
      messageSize_ = 0;
      utf8_.reset();
    }
    if (length > limit_ - messageSize_) return reject(close_code::kTooBig);
    messageSize_ += length;
  }
  std::memcpy(mask_.data(), header_.data() + 2 + lengthBytes, 4);
  opcode_ = opcode;
  fin_ = fin;
  frameSize_ = remaining_ = length;
  headerSize_ = 0;
  state_ = State::Payload;
  return true;
}

// Takes what `input` holds of the current frame's payload; an event once the frame completes a
// control frame or a message.
Event FrameParser::payload(std::span<char>& input) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  const std::span<char> chunk = input.first(n);
  input = input.subspan(n);
  unmask(chunk);
  remaining_ -= n;
  const std::string_view bytes(chunk.data(), chunk.size());
  // The whole payload arrived in this one input: hand it out from there, without a copy.
  const bool whole = n == frameSize_;

  if (isControl()) {
    std::string_view complete;
    if (remaining_ == 0 && whole && control_.empty()) {
      complete = bytes;
    } else {
      control_.append(bytes);
      if (remaining_ > 0) return {};
      complete = control_;
      releaseControl_ = true;
    }
    state_ = State::Header;
    return controlFrame(complete);
  }

  if (messageOpcode_ == static_cast<std::uint8_t>(Opcode::Text) && !utf8_.feed(bytes)) {
    return fail(close_code::kInvalidPayload);
  }
  const bool messageDone = remaining_ == 0 && fin_;
  std::string_view complete;
  if (messageDone && whole && message_.empty()) {
    complete = bytes;
  } else {
    message_.append(bytes);
    if (!messageDone) {
      if (remaining_ == 0) state_ = State::Header;  // a fragment ended; the message goes on
      return {};
    }
    complete = message_;
    releaseMessage_ = true;
  }
  state_ = State::Header;
  const auto kind = messageOpcode_ == static_cast<std::uint8_t>(Opcode::Text) ? Event::Kind::Text
                                                                              : Event::Kind::Binary;
  if (kind == Event::Kind::Text && !utf8_.complete()) return fail(close_code::kInvalidPayload);
  messageOpcode_ = 0;
  messageSize_ = 0;
  return {.kind = kind, .payload = complete};
}

Event FrameParser::controlFrame(std::string_view payload) {
  switch (static_cast<Opcode>(opcode_)) {
    case Opcode::Ping:
      return {.kind = Event::Kind::Ping, .payload = payload};
    case Opcode::Pong:
      return {.kind = Event::Kind::Pong, .payload = payload};
    default:
      break;
  }
  // Close (§5.5.1): empty, or a valid code and a UTF-8 reason.
  if (payload.empty()) {
    state_ = State::Closed;
    return {.kind = Event::Kind::Close, .payload = {}, .code = close_code::kNoStatus};
  }
  if (payload.size() == 1) return fail(close_code::kProtocolError);
  const auto code = static_cast<std::uint16_t>(
      readBigEndian(reinterpret_cast<const std::uint8_t*>(payload.data()), 2));
  if (!isValidCloseCode(code)) return fail(close_code::kProtocolError);
  const auto reason = payload.substr(2);
  if (!core::isValidUtf8(reason)) return fail(close_code::kInvalidPayload);
  state_ = State::Closed;
  return {.kind = Event::Kind::Close, .payload = reason, .code = code};
}

// XORs `data` with the mask. Called before remaining_ counts `data` as received, so
// frameSize_ - remaining_ is the payload offset it starts at (§5.3).
void FrameParser::unmask(std::span<char> data) const {
  const auto offset = static_cast<std::size_t>(frameSize_ - remaining_);
  std::array<std::uint8_t, 8> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = mask_[(offset + i) & 3];
  std::size_t i = 0;
  if (data.size() >= 8) {
    std::uint64_t k;
    std::memcpy(&k, key.data(), sizeof k);
    for (; i + 8 <= data.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, data.data() + i, sizeof w);
      w ^= k;
      std::memcpy(data.data() + i, &w, sizeof w);
    }
  }
  for (; i < data.size(); ++i) data[i] = static_cast<char>(data[i] ^ key[i & 3]);
}

}  // namespace gc::ws
