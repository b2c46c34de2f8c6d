#pragma once
// Incremental UTF-8 validation (RFC 3629), for WebSocket text messages, which may split a code
// point across fragments and reads: the state carries over between calls.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gc::core {

class Utf8Validator {
 public:
  // Feeds the next bytes; false as soon as they cannot be the start of valid UTF-8 (overlong
  // forms, surrogates and code points above U+10FFFF included). Once false, stays false.
  bool feed(std::string_view bytes);
  // True when everything fed so far is complete, valid UTF-8 (no code point left open).
  bool complete() const { return state_ == kAccept; }
  void reset() { state_ = kAccept; }

 private:
  static constexpr std::uint8_t kAccept = 0;
  static constexpr std::uint8_t kReject = 8;
  std::uint8_t state_ = kAccept;
};

// The whole text at once (a close reason, a test).
inline bool isValidUtf8(std::string_view text) {
  Utf8Validator v;
  return v.feed(text) && v.complete();
}

}  // namespace gc::core
