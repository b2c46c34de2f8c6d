#pragma once
// Content-Disposition for a download (RFC 6266) with the name encoded per RFC 8187.
#include <string>
#include <string_view>

namespace gc::files {

// `<disposition>; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>`.
// The fallback replaces what an old client could misread (non-ASCII, quotes, backslashes,
// percent signs, controls) with '_'; clients that know filename* use the exact name.
std::string contentDisposition(std::string_view disposition, std::string_view utf8Name);

}  // namespace gc::files
