#pragma once
// Where an upload's bytes go while they arrive: a temporary file under a generated name,
// hashed (SHA-256) as it is written. Blocking: used on the file pool, never on a network
// thread. The file is removed on destruction unless it was moved away (release()).
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gc::files {

class UploadSink {
 public:
  // Creates <dir>/<random id>.part, exclusively, mode 0600.
  explicit UploadSink(const std::string& dir);
  UploadSink(const UploadSink&) = delete;
  UploadSink& operator=(const UploadSink&) = delete;
  ~UploadSink();

  void write(std::string_view bytes);
  // Flushes to disk and closes; returns the SHA-256 of everything written, lowercase hex.
  std::string finish();

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  // The file was renamed elsewhere: do not remove it.
  void release() { released_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool released_ = false;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha_;
};

}  // namespace gc::files
