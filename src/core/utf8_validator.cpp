#include "core/utf8_validator.hpp"

#include <cstring>

namespace gc::core {
namespace {

// States between bytes. 1–3: that many continuation bytes (80..BF) still to come. 4–7: the
// byte after a lead whose second byte has a narrower range, which is what excludes overlong
// forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
constexpr std::uint8_t kNeed1 = 1, kNeed2 = 2, kNeed3 = 3;
constexpr std::uint8_t kAfterE0 = 4, kAfterED = 5, kAfterF0 = 6, kAfterF4 = 7;

std::uint8_t step(std::uint8_t state, std::uint8_t b) {
  constexpr std::uint8_t kReject = 8;
  auto in = [b](unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  switch (state) {
    case 0:
      if (b < 0x80) return 0;
      if (in(0xC2, 0xDF)) return kNeed1;
      if (b == 0xE0) return kAfterE0;
      if (b == 0xED) return kAfterED;
      if (in(0xE1, 0xEF)) return kNeed2;
      if (b == 0xF0) return kAfterF0;
      if (b == 0xF4) return kAfterF4;
      if (in(0xF1, 0xF3)) return kNeed3;
      return kReject;  // 80..C1 (stray continuation, overlong 2-byte lead), F5..FF
    case kNeed1:
    case kNeed2:
    case kNeed3:
      return in(0x80, 0xBF) ? state - 1 : kReject;
    case kAfterE0:
      return in(0xA0, 0xBF) ? kNeed1 : kReject;
    case kAfterED:
      return in(0x80, 0x9F) ? kNeed1 : kReject;
    case kAfterF0:
      return in(0x90, 0xBF) ? kNeed2 : kReject;
    case kAfterF4:
      return in(0x80, 0x8F) ? kNeed2 : kReject;
    default:
      return kReject;
  }
}

}  // namespace

bool Utf8Validator::feed(std::string_view bytes) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  std::uint8_t s = state_;
  while (p < end && s != kReject) {
    // Chat text is mostly ASCII: skip it eight bytes at a time between code points.
    if (s == kAccept) {
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if (word & 0x8080808080808080ull) break;
        p += 8;
      }
      if (p == end) break;
    }
    s = step(s, *p++);
  }
  state_ = s;
  return s != kReject;
}

}  // namespace gc::core
