// POST /api/uploads (multipart/form-data, streamed to disk), GET /api/files/:id.
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "api/body_source.hpp"
#include "api/routes.hpp"
#include "chat/json_encode.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"
#include "files/byte_range.hpp"
#include "files/content_disposition.hpp"
#include "files/multipart_reader.hpp"
#include "files/upload_sink.hpp"

namespace gc::api {
namespace {

using boost::asio::awaitable;

// Bytes gathered before a write is handed to the file pool: few hand-overs, little memory.
constexpr std::size_t kWriteBatch = std::size_t{256} * 1024;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

// What the multipart reader found so far, and the bytes of the file part not yet written.
struct ReceivedFile {
  bool seen = false;    // the part named "file" began
  bool inside = false;  // and has not ended yet
  std::string rawName;
  std::uint64_t bytes = 0;
  std::string unwritten;
};

awaitable<Response> receiveUpload(App& app, Request& req, BodySource& body) {
  const auto boundary = files::multipartBoundary(req.contentType);
  if (!boundary) {
    throw core::ApiError(415, "unsupported_type",
                         "Content-Type must be multipart/form-data with a boundary");
  }
  const std::uint64_t limit = app.config.maxUploadBytes;
  // A declared length that cannot fit is refused before a byte of the body is read.
  if (const auto length = body.contentLength(); length && *length > limit + kMultipartAllowance) {
    throw uploadTooLarge(limit);
  }

  ReceivedFile file;
  files::MultipartReader reader(
      *boundary, {.partBegin =
                      [&file](const files::PartHeaders& part) {
                        if (part.name != "file") return;
                        if (file.seen) throw core::invalidField("file", "only one file per upload");
                        if (!part.hasFileName)
                          throw core::invalidField("file", "must be a file part");
                        file.seen = file.inside = true;
                        file.rawName = part.fileName;
                      },
                  .partData =
                      [&file](std::string_view data) {
                        if (!file.inside) return;
                        file.bytes += data.size();
                        file.unwritten.append(data);
                      },
                  .partEnd = [&file] { file.inside = false; }});

  // The sink is created, written, finished and removed on the file pool only.
  std::shared_ptr<files::UploadSink> sink;
  auto flush = [&]() -> awaitable<void> {
    std::string batch;
    batch.swap(file.unwritten);
    // By reference only: g++ 12 destroys a co_await operand's non-trivial captures twice.
    co_await core::offload(app.files, [&app, &sink, &batch] {
      if (!sink) sink = std::make_shared<files::UploadSink>(app.uploads.tempDir());
      sink->write(batch);
      return 0;
    });
  };
  struct RemoveOnPool {
    App& app;
    std::shared_ptr<files::UploadSink>& sink;
    ~RemoveOnPool() {
      if (sink) boost::asio::post(app.files, [doomed = std::move(sink)] {});
    }
  } removeOnPool{app, sink};

  std::optional<store::Upload> upload;
  std::exception_ptr refused;
  try {
    std::vector<char> chunk(kReadChunk);
    for (;;) {
      const auto n = co_await body.read(chunk.data(), chunk.size());
      if (n == 0) break;
      try {
        reader.feed(std::string_view(chunk.data(), n));
      } catch (const files::MultipartError& e) {
        throw core::invalidField("body", e.what());
      }
      // Counted as it arrives: a chunked body or a lying Content-Length stops here.
      if (file.bytes > limit) throw uploadTooLarge(limit);
      if (file.unwritten.size() >= kWriteBatch) co_await flush();
    }
    if (!reader.done()) throw core::invalidField("body", "the multipart body ends early");
    if (!file.seen) throw core::invalidField("file", "is required");
    co_await flush();
    upload = co_await core::offload(app.files, [&app, &sink, &file, &req] {
      return app.uploads.accept(*sink, req.userId(), file.rawName);
    });
  } catch (...) {
    refused = std::current_exception();
  }
  if (refused) {
    // Nothing of a refused upload outlives its answer: the bytes go before the error does.
    co_await core::offload(app.files, [&sink] {
      sink.reset();
      return 0;
    });
    std::rethrow_exception(refused);
  }
  co_return Response::json(201, "{\"file\":" + chat::encodeFile(*upload) + "}");
}

bool etagMatches(std::string_view header, std::string_view etag) {
  if (header == "*") return true;
  // A list of entity tags; weak ones compare by their opaque part (RFC 9110 §13.1.2).
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    const auto end = header.find(',', i);
    auto tag = header.substr(i, end == std::string_view::npos ? header.npos : end - i);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return false;
}

Response fileResponse(const files::ServedFile& file, const Request& req) {
  Response res{
      .status = 200, .body = {}, .contentType = file.mime, .headers = {}, .file = std::nullopt};
  // Inline only what a browser renders without running anything: images, audio, video. The
  // rest downloads. Either way nothing served here may script, frame or sniff.
  const bool inlineSafe = file.mime.starts_with("image/") || file.mime.starts_with("audio/") ||
                          file.mime.starts_with("video/");
  res.headers.emplace_back(
      "Content-Disposition",
      files::contentDisposition(inlineSafe ? "inline" : "attachment", file.name));
  res.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; img-src 'self'; media-src 'self'; "
                           "style-src 'unsafe-inline'; sandbox");
  res.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("ETag", file.etag);
  // Revalidated on every use: access can end (a deleted message), so caches ask first.
  res.headers.emplace_back("Cache-Control", "private, no-cache");
  res.headers.emplace_back("Accept-Ranges", "bytes");

  if (!req.ifNoneMatch.empty() && etagMatches(req.ifNoneMatch, file.etag)) {
    res.status = 304;
    return res;
  }
  // If-Range naming another version: the whole (new) file instead of a piece of it.
  const bool rangeApplies = !req.range.empty() && (req.ifRange.empty() || req.ifRange == file.etag);
  const auto range =
      rangeApplies ? files::decideRange(req.range, file.size) : files::RangeDecision{};
  switch (range.kind) {
    case files::RangeDecision::Kind::Whole:
      res.file = FileBody{.path = file.path, .offset = 0, .length = file.size};
      break;
    case files::RangeDecision::Kind::Partial:
      res.status = 206;
      res.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                    std::to_string(range.last) + "/" +
                                                    std::to_string(file.size));
      res.file = FileBody{
          .path = file.path, .offset = range.first, .length = range.last - range.first + 1};
      break;
    case files::RangeDecision::Kind::Unsatisfiable: {
      auto refused = errorResponse(416, "invalid_request", "Range: not satisfiable");
      refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(file.size));
      return refused;
    }
  }
  return res;
}

}  // namespace

void addFileRoutes(Router& router, App& app) {
  router.addStreaming("POST", "/api/uploads", Access::Authenticated,
                      [&app](Request& req, BodySource& body) -> awaitable<Response> {
                        co_return co_await receiveUpload(app, req, body);
                      });

  router.add("GET", "/api/files/:id", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const bool thumbnail = req.queryValue("thumb").value_or("") == "1";
               const auto file = co_await core::offload(app.blocking, [&] {
                 return app.uploads.open(req.params.at("id"), req.userId(), thumbnail);
               });
               // Someone else's file and no file look the same.
               if (!file) co_return errorResponse(404, "not_found", "no such file");
               co_return fileResponse(*file, req);
             });
}

}  // namespace gc::api
