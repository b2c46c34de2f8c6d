#include "files/file_types.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "files/file_name.hpp"

namespace gc::files {
namespace {

constexpr std::string_view kPng[] = {"image/png"}, kPngExt[] = {"png"};
constexpr std::string_view kJpeg[] = {"image/jpeg"}, kJpegExt[] = {"jpg", "jpeg", "jpe", "jfif"};
constexpr std::string_view kGif[] = {"image/gif"}, kGifExt[] = {"gif"};
constexpr std::string_view kWebp[] = {"image/webp"}, kWebpExt[] = {"webp"};
constexpr std::string_view kPdf[] = {"application/pdf"}, kPdfExt[] = {"pdf"};
constexpr std::string_view kText[] = {"text/plain"},
                           kTextExt[] = {"txt", "text", "md", "log", "csv", "json"};
constexpr std::string_view kCsv[] = {"text/csv"}, kCsvExt[] = {"csv", "txt"};
constexpr std::string_view kZip[] = {"application/zip"}, kZipExt[] = {"zip"};
constexpr std::string_view kDocx[] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
constexpr std::string_view kDocxExt[] = {"docx"};
constexpr std::string_view kXlsx[] = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
constexpr std::string_view kXlsxExt[] = {"xlsx"};
constexpr std::string_view kPptx[] = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation"};
constexpr std::string_view kPptxExt[] = {"pptx"};
constexpr std::string_view kOdt[] = {"application/vnd.oasis.opendocument.text"},
                           kOdtExt[] = {"odt"};
constexpr std::string_view kOds[] = {"application/vnd.oasis.opendocument.spreadsheet"},
                           kOdsExt[] = {"ods"};
constexpr std::string_view kOdp[] = {"application/vnd.oasis.opendocument.presentation"},
                           kOdpExt[] = {"odp"};
// Legacy Office files are all "Composite Document File" to libmagic, whichever program made
// them: any of the three extensions fits any of them.
constexpr std::string_view kMsOffice[] = {"application/msword", "application/vnd.ms-excel",
                                          "application/vnd.ms-powerpoint",
                                          "application/vnd.ms-office", "application/CDFV2"};
constexpr std::string_view kMsOfficeExt[] = {"doc", "xls", "ppt"};
constexpr std::string_view kMp3[] = {"audio/mpeg"}, kMp3Ext[] = {"mp3"};
constexpr std::string_view kOggAudio[] = {"audio/ogg"}, kOggAudioExt[] = {"ogg", "oga", "opus"};
constexpr std::string_view kWav[] = {"audio/x-wav", "audio/wav", "audio/vnd.wave"},
                           kWavExt[] = {"wav"};
constexpr std::string_view kFlac[] = {"audio/flac", "audio/x-flac"}, kFlacExt[] = {"flac"};
constexpr std::string_view kM4a[] = {"audio/x-m4a", "audio/mp4"}, kM4aExt[] = {"m4a", "mp4"};
constexpr std::string_view kMp4[] = {"video/mp4"}, kMp4Ext[] = {"mp4", "m4v"};
constexpr std::string_view kWebm[] = {"video/webm", "audio/webm"}, kWebmExt[] = {"webm"};
constexpr std::string_view kMov[] = {"video/quicktime"}, kMovExt[] = {"mov", "qt"};
constexpr std::string_view kOggVideo[] = {"video/ogg"}, kOggVideoExt[] = {"ogv", "ogg"};

const std::array kTypes = {
    FileType{.mime = "image/png", .detectedAs = kPng, .extensions = kPngExt, .image = true},
    FileType{.mime = "image/jpeg", .detectedAs = kJpeg, .extensions = kJpegExt, .image = true},
    FileType{.mime = "image/gif", .detectedAs = kGif, .extensions = kGifExt, .image = true},
    FileType{.mime = "image/webp", .detectedAs = kWebp, .extensions = kWebpExt, .image = true},
    FileType{.mime = "application/pdf", .detectedAs = kPdf, .extensions = kPdfExt, .image = false},
    FileType{.mime = "text/plain", .detectedAs = kText, .extensions = kTextExt, .image = false},
    FileType{.mime = "text/csv", .detectedAs = kCsv, .extensions = kCsvExt, .image = false},
    FileType{.mime = "application/zip", .detectedAs = kZip, .extensions = kZipExt, .image = false},
    FileType{.mime = kDocx[0], .detectedAs = kDocx, .extensions = kDocxExt, .image = false},
    FileType{.mime = kXlsx[0], .detectedAs = kXlsx, .extensions = kXlsxExt, .image = false},
    FileType{.mime = kPptx[0], .detectedAs = kPptx, .extensions = kPptxExt, .image = false},
    FileType{.mime = kOdt[0], .detectedAs = kOdt, .extensions = kOdtExt, .image = false},
    FileType{.mime = kOds[0], .detectedAs = kOds, .extensions = kOdsExt, .image = false},
    FileType{.mime = kOdp[0], .detectedAs = kOdp, .extensions = kOdpExt, .image = false},
    FileType{.mime = "application/vnd.ms-office",
             .detectedAs = kMsOffice,
             .extensions = kMsOfficeExt,
             .image = false},
    FileType{.mime = "audio/mpeg", .detectedAs = kMp3, .extensions = kMp3Ext, .image = false},
    FileType{
        .mime = "audio/ogg", .detectedAs = kOggAudio, .extensions = kOggAudioExt, .image = false},
    FileType{.mime = "audio/wav", .detectedAs = kWav, .extensions = kWavExt, .image = false},
    FileType{.mime = "audio/flac", .detectedAs = kFlac, .extensions = kFlacExt, .image = false},
    FileType{.mime = "audio/mp4", .detectedAs = kM4a, .extensions = kM4aExt, .image = false},
    FileType{.mime = "video/mp4", .detectedAs = kMp4, .extensions = kMp4Ext, .image = false},
    FileType{.mime = "video/webm", .detectedAs = kWebm, .extensions = kWebmExt, .image = false},
    FileType{.mime = "video/quicktime", .detectedAs = kMov, .extensions = kMovExt, .image = false},
    FileType{
        .mime = "video/ogg", .detectedAs = kOggVideo, .extensions = kOggVideoExt, .image = false},
};

}  // namespace

const FileType* allowedType(std::string_view detected) {
  for (const auto& type : kTypes) {
    if (std::find(type.detectedAs.begin(), type.detectedAs.end(), detected) !=
        type.detectedAs.end()) {
      return &type;
    }
  }
  return nullptr;
}

bool nameMatches(std::string_view fileName, const FileType& type) {
  const auto ext = extensionOf(fileName);
  if (ext.empty()) return true;
  return std::find(type.extensions.begin(), type.extensions.end(), ext) != type.extensions.end();
}

}  // namespace gc::files
