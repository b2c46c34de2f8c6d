#pragma once
// The allowlist of upload types: what libmagic may say about the content, the MIME type we
// serve it as, and the extensions a name of that type may have.
#include <span>
#include <string_view>

namespace gc::files {

struct FileType {
  std::string_view mime;                         // served as Content-Type
  std::span<const std::string_view> detectedAs;  // libmagic's names for it
  std::span<const std::string_view> extensions;  // lowercase, without the dot
  bool image = false;                            // decoded, measured and given a thumbnail
};

// The allowed type libmagic's `detected` MIME type names, or nullptr (not allowed).
const FileType* allowedType(std::string_view detected);

// True when the name's extension is one of the type's; a name without an extension claims
// nothing and matches. A name that claims another type does not: the content is not
// trusted over the name, nor the name over the content.
bool nameMatches(std::string_view fileName, const FileType& type);

}  // namespace gc::files
