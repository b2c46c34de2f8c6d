#include "files/content_disposition.hpp"

namespace gc::files {
namespace {

// RFC 8187 attr-char: what may appear unencoded in an ext-value.
bool isAttrChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string contentDisposition(std::string_view disposition, std::string_view utf8Name) {
  std::string fallback;
  for (unsigned char c : utf8Name) {
    const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
    // One '_' per code point: continuation bytes of a multi-byte character add nothing.
    if (plain) {
      fallback += static_cast<char>(c);
    } else if ((c & 0xc0) != 0x80) {
      fallback += '_';
    }
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : utf8Name) {
    if (isAttrChar(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0x0f];
    }
  }
  return std::string(disposition) + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace gc::files
