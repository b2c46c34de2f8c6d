#include "chat/validation.hpp"

#include "core/error.hpp"
#include "core/utf8_validator.hpp"

namespace gc::chat {

void validateUsername(std::string_view username) {
  bool ok = username.size() >= 3 && username.size() <= 32;
  for (char c : username) {
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) throw core::invalidField("username", "must be 3-32 characters of A-Z, a-z, 0-9 and _");
}

void validateEmail(std::string_view email) {
  const auto at = email.find('@');
  const bool ok = email.size() >= 3 && email.size() <= 254 && at != std::string_view::npos &&
                  at > 0 && email.find('@', at + 1) == std::string_view::npos &&
                  email.find('.', at + 2) != std::string_view::npos && email.back() != '.' &&
                  email.find_first_of(" \t\r\n<>\"(),;:\\[]") == std::string_view::npos;
  if (!ok) throw core::invalidField("email", "must be a valid email address");
}

void validatePassword(std::string_view password) {
  // bcrypt reads 72 bytes and stops at NUL: refuse what it would silently ignore.
  if (password.size() < 8 || password.size() > 72) {
    throw core::invalidField("password", "must be 8-72 bytes");
  }
  if (password.find('\0') != std::string_view::npos) {
    throw core::invalidField("password", "must not contain NUL");
  }
}

std::size_t codePoints(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string normalizeBody(std::string_view body) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = body.find_first_not_of(kSpace);
  if (first == std::string_view::npos) throw core::invalidField("body", "must not be empty");
  const auto last = body.find_last_not_of(kSpace);
  std::string_view trimmed = body.substr(first, last - first + 1);
  if (codePoints(trimmed) > 4000) {
    throw core::invalidField("body", "must be at most 4000 characters");
  }
  return std::string(trimmed);
}

std::string normalizeOptionalBody(std::string_view body) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  if (body.find_first_not_of(kSpace) == std::string_view::npos) return {};
  return normalizeBody(body);
}

void validateClientMsgId(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  if (!ok) throw core::invalidField("clientMsgId", "must be 1-64 visible characters");
}

void validateEmoji(std::string_view emoji) {
  // Not a list of known emojis (it changes every year, and custom shortcodes like :ship-it:
  // are welcome): one short token of valid UTF-8 without spaces or controls. It arrives
  // percent-decoded from a URL too, so nothing upstream has checked its encoding.
  bool ok =
      !emoji.empty() && emoji.size() <= 64 && core::isValidUtf8(emoji) && codePoints(emoji) <= 16;
  for (char c : emoji) ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  if (!ok) throw core::invalidField("emoji", "must be one emoji or shortcode, up to 64 bytes");
}

}  // namespace gc::chat
