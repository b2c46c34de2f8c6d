#pragma once
// The user's file name, made safe to keep in metadata and to echo in headers and the client.
// It never names a path: stored bytes live under generated names.
#include <string>
#include <string_view>

namespace gc::files {

// The last segment of what the client sent (after '/' or '\'), as valid UTF-8 without
// control characters (C0, DEL, C1) or bidirectional overrides, trimmed of surrounding spaces
// and leading dots, at most 200 bytes (cut on a code point, keeping the extension). "file"
// when nothing is left.
std::string sanitizeFileName(std::string_view raw);

// The extension after the last dot, ASCII-lowercased, without the dot; "" when there is none.
std::string extensionOf(std::string_view name);

}  // namespace gc::files
