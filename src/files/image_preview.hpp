#pragma once
// Images: their upright size and a small JPEG preview, made with libvips. Blocking.
#include <optional>
#include <string>

namespace gc::files {

struct ImageFacts {
  int width = 0;  // as displayed: EXIF orientation applied
  int height = 0;
};

// Once per process, before any other call (libvips keeps global state).
void initImageLibrary(const char* argv0);

// Decodes the image at `path` and writes a preview of at most `maxEdge` pixels per side to
// `thumbPath`: orientation applied, transparency flattened onto white, every metadata block
// (EXIF with its GPS position, XMP, ICC, comments) left out. nullopt when the bytes are not a
// decodable image of at most `maxPixels` pixels (nothing is written then).
std::optional<ImageFacts> makePreview(const std::string& path, const std::string& thumbPath,
                                      int maxEdge, long long maxPixels);

}  // namespace gc::files
