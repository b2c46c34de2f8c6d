#include "files/mime_sniffer.hpp"

#include <magic.h>

#include <memory>
#include <stdexcept>

namespace gc::files {
namespace {

using Cookie = std::unique_ptr<magic_set, void (*)(magic_t)>;

// A magic_t is not safe to share between threads: one per pool thread, loaded once.
magic_t threadCookie() {
  thread_local Cookie cookie(nullptr, magic_close);
  if (!cookie) {
    // No decompression: a gzip is a gzip, not its contents.
    Cookie fresh(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR), magic_close);
    if (!fresh) throw std::runtime_error("libmagic: cannot open");
    // The type is in the first bytes; libmagic's default reads (and allocates) 7 MiB per call.
    const std::size_t bytesMax = std::size_t{1} << 20;
    magic_setparam(fresh.get(), MAGIC_PARAM_BYTES_MAX, &bytesMax);
    if (magic_load(fresh.get(), nullptr) != 0) {
      throw std::runtime_error(std::string("libmagic: ") + magic_error(fresh.get()));
    }
    cookie = std::move(fresh);
  }
  return cookie.get();
}

}  // namespace

std::string sniffMime(const std::string& path) {
  const auto cookie = threadCookie();
  const char* type = magic_file(cookie, path.c_str());
  if (!type) throw std::runtime_error(std::string("libmagic: ") + magic_error(cookie));
  return type;
}

}  // namespace gc::files
