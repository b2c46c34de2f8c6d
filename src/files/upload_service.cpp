#include "files/upload_service.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "files/file_name.hpp"
#include "files/file_types.hpp"
#include "files/image_preview.hpp"
#include "files/mime_sniffer.hpp"

namespace gc::files {
namespace {

namespace fs = std::filesystem;

// Removes the files of an upload that was refused after they were written.
struct RemoveUnlessKept {
  std::vector<std::string> paths;
  bool keep = false;
  ~RemoveUnlessKept() {
    if (keep) return;
    for (const auto& p : paths) {
      std::error_code ec;
      fs::remove(p, ec);
    }
  }
};

void scanOrRefuse(const ClamdScanner& scanner, const std::string& path) {
  ScanVerdict verdict;
  try {
    verdict = scanner.scan(path);
  } catch (const ScannerUnavailable& e) {
    spdlog::warn("upload refused, virus scanner unavailable: {}", e.what());
    throw core::unavailable("the virus scanner is not answering; try again later");
  }
  switch (verdict.kind) {
    case ScanVerdict::Kind::Clean:
      return;
    case ScanVerdict::Kind::Infected:
      spdlog::warn("upload rejected by the virus scanner: {}", verdict.detail);
      throw core::ApiError(422, "rejected", "file: the virus scanner found " + verdict.detail);
    case ScanVerdict::Kind::Error:
      spdlog::warn("upload refused, the virus scanner could not scan it: {}", verdict.detail);
      throw core::unavailable("the virus scanner could not scan the file");
  }
}

}  // namespace

UploadService::UploadService(store::Store& store, UploadSettings settings)
    : store_(store),
      settings_(std::move(settings)),
      root_((fs::path(settings_.dataDir) / "uploads").string()),
      tempDir_((fs::path(root_) / "tmp").string()) {
  fs::create_directories(tempDir_);
  // What a crash left half-written is nobody's upload. Only what has not been written to for
  // an hour: instances sharing this data dir (scale-out) may be receiving uploads right now.
  const auto stale = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::directory_iterator(tempDir_)) {
    std::error_code ec;
    if (fs::last_write_time(entry.path(), ec) < stale && !ec) fs::remove(entry.path(), ec);
  }
  if (!settings_.clamdSocket.empty())
    scanner_.emplace(settings_.clamdSocket, settings_.clamdTimeout);
}

std::string UploadService::pathOf(const std::string& id) const {
  return (fs::path(root_) / id.substr(id.size() - 2) / id).string();
}

store::Upload UploadService::accept(UploadSink& sink, const std::string& ownerId,
                                    std::string_view rawName) {
  const auto sha256 = sink.finish();
  if (sink.size() == 0) throw core::invalidField("file", "must not be empty");
  // Scanned before anything else looks at the bytes: a virus is 422 whatever its type.
  if (scanner_) scanOrRefuse(*scanner_, sink.path());

  const auto detected = sniffMime(sink.path());
  const FileType* type = allowedType(detected);
  if (!type) {
    throw core::ApiError(415, "unsupported_type",
                         "file: content of type " + detected + " is not allowed");
  }
  auto name = sanitizeFileName(rawName);
  if (!nameMatches(name, *type)) {
    throw core::ApiError(
        415, "unsupported_type",
        "file: the name's extension does not match its content (" + std::string(type->mime) + ")");
  }

  store::Upload upload{.id = core::newId(),
                       .ownerId = ownerId,
                       .name = std::move(name),
                       .size = static_cast<std::int64_t>(sink.size()),
                       .mime = std::string(type->mime),
                       .sha256 = sha256,
                       .width = std::nullopt,
                       .height = std::nullopt,
                       .hasThumbnail = false,
                       .createdAtMs = core::nowMs()};
  const auto path = pathOf(upload.id);
  fs::create_directories(fs::path(path).parent_path());
  RemoveUnlessKept cleanup{.paths = {path}, .keep = false};
  if (type->image) {
    const auto thumb = thumbnailPathOf(path);
    cleanup.paths.push_back(thumb);
    const auto facts =
        makePreview(sink.path(), thumb, settings_.thumbnailEdge, settings_.maxImagePixels);
    if (!facts) throw core::ApiError(415, "unsupported_type", "file: not a decodable image");
    upload.width = facts->width;
    upload.height = facts->height;
    upload.hasThumbnail = true;
  }
  fs::rename(sink.path(), path);
  sink.release();
  store_.uploads().create(upload, settings_.quotaBytes);  // 413 over the quota
  cleanup.keep = true;
  return upload;
}

std::optional<ServedFile> UploadService::open(const std::string& uploadId,
                                              const std::string& userId, bool thumbnail) {
  if (!core::isId(uploadId)) return std::nullopt;
  auto upload = store_.uploads().byId(uploadId);
  if (!upload || !store_.uploads().canRead(uploadId, userId)) return std::nullopt;
  if (thumbnail && !upload->hasThumbnail) return std::nullopt;
  ServedFile served{.path = pathOf(upload->id),
                    .size = static_cast<std::uint64_t>(upload->size),
                    .mime = upload->mime,
                    .etag = "\"" + upload->sha256 + "\"",
                    .name = upload->name,
                    .thumbnail = thumbnail};
  if (thumbnail) {
    served.path = thumbnailPathOf(served.path);
    std::error_code ec;
    const auto size = fs::file_size(served.path, ec);
    if (ec) return std::nullopt;
    served.size = size;
    served.mime = "image/jpeg";
    served.etag = "\"" + upload->sha256 + "-thumb\"";
    served.name = fs::path(upload->name).stem().string() + "-preview.jpg";
  }
  return served;
}

int UploadService::removeUnattached(std::int64_t cutoffMs) {
  constexpr int kBatch = 100;
  int removed = 0;
  for (;;) {
    const auto uploads = store_.uploads().removeUnattached(cutoffMs, kBatch);
    for (const auto& u : uploads) {
      std::error_code ec;
      const auto path = pathOf(u.id);
      fs::remove(path, ec);
      fs::remove(thumbnailPathOf(path), ec);
    }
    removed += static_cast<int>(uploads.size());
    if (static_cast<int>(uploads.size()) < kBatch) return removed;
  }
}

}  // namespace gc::files
