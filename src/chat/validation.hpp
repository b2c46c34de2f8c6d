#pragma once
// The contract's input limits. Each check throws core::ApiError 400 naming the field.
#include <string>
#include <string_view>

namespace gc::chat {

void validateUsername(std::string_view username);
void validateEmail(std::string_view email);
void validatePassword(std::string_view password);
// Trims surrounding whitespace and checks 1..4000 code points; returns the trimmed body.
std::string normalizeBody(std::string_view body);
// The same, but an empty body (a file or image without a caption) is allowed.
std::string normalizeOptionalBody(std::string_view body);
void validateClientMsgId(std::string_view clientMsgId);
// A reaction: one emoji (a grapheme of up to 16 code points, 64 bytes), no spaces or controls.
void validateEmoji(std::string_view emoji);
// Number of Unicode code points in valid UTF-8.
std::size_t codePoints(std::string_view utf8) noexcept;

}  // namespace gc::chat
