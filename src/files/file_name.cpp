#include "files/file_name.hpp"

#include <cstdint>
#include <optional>

#include "core/ascii.hpp"

namespace gc::files {
namespace {

constexpr std::size_t kMaxNameBytes = 200;

// Decodes one code point at `i` and advances; nullopt (and skips one byte) when the bytes are
// not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
std::optional<std::uint32_t> nextCodePoint(std::string_view s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    len = 2, cp = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    len = 3, cp = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++i;
    return std::nullopt;
  }
  if (i + len > s.size()) {
    ++i;
    return std::nullopt;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) {
      ++i;
      return std::nullopt;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++i;
    return std::nullopt;
  }
  i += len;
  return cp;
}

// Characters that must not reach a header, a terminal or a file dialog: controls, and the
// bidirectional overrides that make "exe.png" display as something else.
bool isUnsafe(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0xfeff;
}

// The longest prefix of `s` of at most `max` bytes that ends on a code point boundary.
std::string_view cutOnCodePoint(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string sanitizeFileName(std::string_view raw) {
  const auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw = raw.substr(slash + 1);
  std::string clean;
  for (std::size_t i = 0; i < raw.size();) {
    const std::size_t start = i;
    const auto cp = nextCodePoint(raw, i);
    if (!cp || isUnsafe(*cp)) continue;
    clean.append(raw.substr(start, i - start));
  }
  const auto first = clean.find_first_not_of(" .");
  if (first == std::string::npos) return "file";
  clean.erase(0, first);
  clean.erase(clean.find_last_not_of(' ') + 1);
  if (clean.size() > kMaxNameBytes) {
    // Keep a short extension: the name still says what the file is.
    const auto dot = clean.rfind('.');
    const std::string_view ext = dot != std::string::npos && clean.size() - dot <= 16
                                     ? std::string_view(clean).substr(dot)
                                     : std::string_view();
    std::string cut(cutOnCodePoint(clean, kMaxNameBytes - ext.size()));
    clean = cut + std::string(ext);
  }
  return clean;
}

std::string extensionOf(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return core::asciiLower(name.substr(dot + 1));
}

}  // namespace gc::files
