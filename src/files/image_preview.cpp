#include "files/image_preview.hpp"

#include <spdlog/spdlog.h>

#include <vips/vips8>

namespace gc::files {

void initImageLibrary(const char* argv0) {
  if (VIPS_INIT(argv0) != 0) throw std::runtime_error("libvips failed to start");
  // Previews run on the file pool already; one libvips worker each keeps a small machine calm.
  vips_concurrency_set(1);
  vips_cache_set_max(0);
}

std::optional<ImageFacts> makePreview(const std::string& path, const std::string& thumbPath,
                                      int maxEdge, long long maxPixels) {
  try {
    // Reads the header only: the size is checked before anything is decoded.
    auto image = vips::VImage::new_from_file(
        path.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    ImageFacts facts{.width = image.width(), .height = image.height()};
    if (facts.width <= 0 || facts.height <= 0 ||
        static_cast<long long>(facts.width) * facts.height > maxPixels) {
      return std::nullopt;
    }
    if (image.get_typeof(VIPS_META_ORIENTATION) != 0) {
      const int orientation = image.get_int(VIPS_META_ORIENTATION);
      if (orientation >= 5 && orientation <= 8) std::swap(facts.width, facts.height);
    }
    // thumbnail() applies the EXIF orientation; fail_on=error refuses truncated or corrupt data.
    auto thumb = vips::VImage::thumbnail(path.c_str(), maxEdge,
                                         vips::VImage::option()
                                             ->set("height", maxEdge)
                                             ->set("size", VIPS_SIZE_DOWN)
                                             ->set("fail_on", VIPS_FAIL_ON_ERROR));
    if (thumb.has_alpha()) {
      thumb = thumb.flatten(vips::VImage::option()->set("background", std::vector<double>{255}));
    }
    thumb.jpegsave(thumbPath.c_str(), vips::VImage::option()->set("Q", 80)->set("strip", true));
    return facts;
  } catch (const vips::VError& e) {
    spdlog::info("not a decodable image: {}", e.what());
    vips_error_clear();
    return std::nullopt;
  }
}

}  // namespace gc::files
