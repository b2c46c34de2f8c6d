#include "files/upload_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/ids.hpp"

namespace gc::files {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

UploadSink::UploadSink(const std::string& dir)
    : path_(dir + "/" + core::newId() + ".part"), sha_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  if (!sha_ || EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 unavailable");
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("cannot create " + path_);
}

UploadSink::~UploadSink() {
  if (fd_ >= 0) ::close(fd_);
  if (!released_) ::unlink(path_.c_str());
}

void UploadSink::write(std::string_view bytes) {
  if (fd_ < 0) throw std::logic_error("write after finish");
  EVP_DigestUpdate(sha_.get(), bytes.data(), bytes.size());
  size_ += bytes.size();
  while (!bytes.empty()) {
    const auto n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write " + path_);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string UploadSink::finish() {
  if (::fdatasync(fd_) != 0) fail("cannot sync " + path_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close " + path_);
  }
  fd_ = -1;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(sha_.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace gc::files
