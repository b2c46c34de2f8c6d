#include "files/content_disposition.hpp"

#include <gtest/gtest.h>

namespace gc::files {
namespace {

TEST(ContentDisposition, PlainAsciiNamesAppearInBothForms) {
  EXPECT_EQ(contentDisposition("attachment", "report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
}

TEST(ContentDisposition, EncodesUtf8PerRfc8187AndFallsBackToUnderscores) {
  EXPECT_EQ(contentDisposition("inline", "März 1.png"),
            "inline; filename=\"M_rz 1.png\"; filename*=UTF-8''M%C3%A4rz%201.png");
  EXPECT_EQ(contentDisposition("inline", "日本.txt"),
            "inline; filename=\"__.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt");
}

TEST(ContentDisposition, NothingCanBreakOutOfTheQuotedFallback) {
  const auto header = contentDisposition("attachment", "a\"b\\c%41;d=e.txt");
  EXPECT_EQ(header,
            "attachment; filename=\"a_b_c_41;d=e.txt\"; "
            "filename*=UTF-8''a%22b%5Cc%2541%3Bd%3De.txt");
  EXPECT_EQ(contentDisposition("attachment", "x\r\ny").find('\r'), std::string::npos);
  EXPECT_EQ(contentDisposition("attachment", "x\r\ny").find('\n'), std::string::npos);
}

}  // namespace
}  // namespace gc::files
