#include "files/file_types.hpp"

#include <gtest/gtest.h>

namespace gc::files {
namespace {

TEST(FileTypes, AllowsCommonDocumentsAndMediaOnly) {
  for (const char* mime :
       {"image/png", "image/jpeg", "application/pdf", "text/plain", "application/zip", "audio/mpeg",
        "video/mp4", "video/webm",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}) {
    EXPECT_NE(allowedType(mime), nullptr) << mime;
  }
  for (const char* mime :
       {"text/html", "image/svg+xml", "application/x-executable", "application/javascript",
        "application/octet-stream", "text/xml", "application/x-dosexec", "inode/x-empty"}) {
    EXPECT_EQ(allowedType(mime), nullptr) << mime;
  }
  ASSERT_NE(allowedType("audio/x-wav"), nullptr);
  EXPECT_EQ(allowedType("audio/x-wav")->mime, "audio/wav");  // served by its standard name
  EXPECT_TRUE(allowedType("image/gif")->image);
  EXPECT_FALSE(allowedType("application/pdf")->image);
}

TEST(FileTypes, TheNameMustNotClaimAnotherType) {
  const auto& png = *allowedType("image/png");
  const auto& text = *allowedType("text/plain");
  EXPECT_TRUE(nameMatches("photo.PNG", png));
  EXPECT_TRUE(nameMatches("photo", png));  // no extension claims nothing
  EXPECT_FALSE(nameMatches("photo.jpg", png));
  EXPECT_FALSE(nameMatches("notes.png", text));
  EXPECT_FALSE(nameMatches("page.html", text));
  EXPECT_TRUE(nameMatches("notes.md", text));
}

}  // namespace
}  // namespace gc::files
