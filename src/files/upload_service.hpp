#pragma once
// The rules of an upload once its bytes are on disk, and of a download: scan, type, measure,
// store; who may read what. Every call blocks (disk, clamd, libvips, the store): callers run
// them on the file pool.
//
// Layout under <data-dir>/uploads: tmp/<random>.part while bytes arrive; <xy>/<id> once
// accepted (xy: the id's last two characters, so no directory grows huge) and
// <xy>/<id>.thumb.jpg for an image's preview. The user's file name is only in the store.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "files/clamd_scanner.hpp"
#include "files/upload_sink.hpp"
#include "store/store.hpp"

namespace gc::files {

struct UploadSettings {
  std::string dataDir;
  std::int64_t quotaBytes = 0;  // per user, all uploads together
  std::string clamdSocket;      // empty: no scanning
  std::chrono::seconds clamdTimeout{30};
  int thumbnailEdge = 320;
  long long maxImagePixels = 100'000'000;  // larger images are refused, not decoded
};

// What GET /api/files/:id serves.
struct ServedFile {
  std::string path;
  std::uint64_t size = 0;
  std::string mime;
  std::string etag;  // quoted
  std::string name;
  bool thumbnail = false;
};

class UploadService {
 public:
  UploadService(store::Store& store, UploadSettings settings);

  // Where UploadSinks are created.
  const std::string& tempDir() const { return tempDir_; }

  // Finishes the sink and decides: scanned by clamd when configured (422 rejected when it
  // finds something, 503 unavailable when it does not answer), typed by its content (415
  // unsupported_type when the type is not allowed or the name claims another one), images
  // decoded and previewed (415 when they do not decode), the owner's quota checked (413
  // too_large). Only then is the upload stored and visible; on any refusal its bytes are gone.
  store::Upload accept(UploadSink& sink, const std::string& ownerId, std::string_view rawName);

  // The file (or its preview) when `userId` may read it; nullopt otherwise, exactly as for an
  // id that does not exist.
  std::optional<ServedFile> open(const std::string& uploadId, const std::string& userId,
                                 bool thumbnail);

  // Removes the uploads no message carries that were created before `cutoffMs`: rows first
  // (so nothing can attach them any more), then their files. Returns how many.
  int removeUnattached(std::int64_t cutoffMs);

 private:
  std::string pathOf(const std::string& id) const;
  static std::string thumbnailPathOf(const std::string& path) { return path + ".thumb.jpg"; }

  store::Store& store_;
  UploadSettings settings_;
  std::string root_;
  std::string tempDir_;
  std::optional<ClamdScanner> scanner_;
};

}  // namespace gc::files
