#pragma once
// The MIME type of a file's content, from libmagic. Blocking (reads the file).
#include <string>

namespace gc::files {

// e.g. "image/png", "text/html", "application/octet-stream". Throws std::runtime_error when
// libmagic cannot load its database or read the file.
std::string sniffMime(const std::string& path);

}  // namespace gc::files
