#include "files/multipart_reader.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gc::files {
namespace {

struct Part {
  PartHeaders headers;
  std::string data;
  bool ended = false;
};

// Feeds `body` in pieces of `step` bytes and collects the parts.
std::vector<Part> readAll(const std::string& body, std::size_t step, bool* done = nullptr) {
  std::vector<Part> parts;
  MultipartReader reader("XyZ",
                         {.partBegin =
                              [&](const PartHeaders& h) {
                                parts.push_back({h, {}, false});
                              },
                          .partData = [&](std::string_view d) { parts.back().data.append(d); },
                          .partEnd = [&] { parts.back().ended = true; }});
  for (std::size_t i = 0; i < body.size(); i += step) reader.feed(body.substr(i, step));
  if (done) *done = reader.done();
  return parts;
}

const std::string kBody =
    "preamble\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n"
    "\r\n"
    "hello\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n--XyNot a boundary\r\n-XyZ nor this\r\n"
    "--XyZ--\r\n"
    "epilogue";

TEST(MultipartReader, FindsPartsWhateverTheChunking) {
  for (std::size_t step : {1u, 2u, 3u, 7u, 64u, 100000u}) {
    bool done = false;
    const auto parts = readAll(kBody, step, &done);
    ASSERT_EQ(parts.size(), 2u) << step;
    EXPECT_TRUE(done);
    EXPECT_EQ(parts[0].headers.name, "note");
    EXPECT_FALSE(parts[0].headers.hasFileName);
    EXPECT_EQ(parts[0].data, "hello");
    EXPECT_TRUE(parts[0].ended);
    EXPECT_EQ(parts[1].headers.name, "file");
    EXPECT_TRUE(parts[1].headers.hasFileName);
    EXPECT_EQ(parts[1].headers.fileName, "a \"b\".png");
    EXPECT_EQ(parts[1].data, "\x89PNG\r\n--XyNot a boundary\r\n-XyZ nor this");
    EXPECT_TRUE(parts[1].ended);
  }
}

TEST(MultipartReader, PrefersTheEncodedFileName) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=file; filename=\"fallback.txt\"; "
      "filename*=UTF-8''M%C3%A4rz.txt\r\n\r\n"
      "x\r\n--XyZ--";
  const auto parts = readAll(body, 5);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].headers.fileName, "März.txt");
  EXPECT_EQ(parts[0].data, "x");
}

TEST(MultipartReader, AnUnfinishedBodyIsNotDone) {
  bool done = true;
  const auto parts = readAll(kBody.substr(0, kBody.find("--XyZ--")), 10, &done);
  EXPECT_FALSE(done);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_FALSE(parts[1].ended);
}

TEST(MultipartReader, RefusesMalformedBodies) {
  EXPECT_THROW(readAll("--XyZ\r\n" + std::string(MultipartReader::kMaxHeaderBytes + 10, 'h'), 100),
               MultipartError);
  EXPECT_THROW(readAll("--XyZgarbage\r\n\r\n", 100), MultipartError);
  std::string many;
  for (int i = 0; i <= MultipartReader::kMaxParts; ++i) many += "--XyZ\r\n\r\nx\r\n";
  EXPECT_THROW(readAll(many + "--XyZ--", 1000), MultipartError);
}

TEST(MultipartBoundary, ComesFromAFormDataContentTypeOnly) {
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary=----abc"), "----abc");
  EXPECT_EQ(multipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_FALSE(multipartBoundary("multipart/mixed; boundary=abc"));
  EXPECT_FALSE(multipartBoundary("application/json"));
  EXPECT_FALSE(multipartBoundary("multipart/form-data"));
  EXPECT_FALSE(multipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')));
}

}  // namespace
}  // namespace gc::files
