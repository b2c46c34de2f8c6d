#pragma once
// Reading the line-per-field envelopes that instances exchange through Redis pub/sub (the
// broker's events, the video relays): one field a line, the free-form payload last.
#include <charconv>
#include <string_view>
#include <system_error>

namespace gc::core {

// Cuts `text` at the next '\n' into `line`; false when there is none.
inline bool nextLine(std::string_view& text, std::string_view& line) {
  const auto nl = text.find('\n');
  if (nl == std::string_view::npos) return false;
  line = text.substr(0, nl);
  text.remove_prefix(nl + 1);
  return true;
}

// The whole of `text` as an integer; false for anything else (empty, signs where unsigned,
// trailing characters, overflow).
template <typename Int>
bool parseWholeInt(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace gc::core
