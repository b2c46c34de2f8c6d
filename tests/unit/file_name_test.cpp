#include "files/file_name.hpp"

#include <gtest/gtest.h>

namespace gc::files {
namespace {

TEST(FileName, KeepsOrdinaryNamesAsTheyAre) {
  EXPECT_EQ(sanitizeFileName("holiday photo.JPG"), "holiday photo.JPG");
  EXPECT_EQ(sanitizeFileName("Überweisung März.pdf"), "Überweisung März.pdf");
  EXPECT_EQ(sanitizeFileName("日本語.txt"), "日本語.txt");
}

TEST(FileName, KeepsOnlyTheLastPathSegment) {
  EXPECT_EQ(sanitizeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(sanitizeFileName("..\\..\\windows\\win.ini"), "win.ini");
  EXPECT_EQ(sanitizeFileName("/abs/path/a.png"), "a.png");
  EXPECT_EQ(sanitizeFileName("dir/"), "file");
}

TEST(FileName, DropsLeadingDotsSoNothingIsHiddenOrRelative) {
  EXPECT_EQ(sanitizeFileName(".."), "file");
  EXPECT_EQ(sanitizeFileName("..."), "file");
  EXPECT_EQ(sanitizeFileName(".bashrc"), "bashrc");
  EXPECT_EQ(sanitizeFileName("  . hidden.txt  "), "hidden.txt");
}

TEST(FileName, RemovesControlCharactersAndBidiOverrides) {
  EXPECT_EQ(sanitizeFileName(std::string("a\r\nSet-Cookie: x\0.txt", 21)), "aSet-Cookie: x.txt");
  EXPECT_EQ(sanitizeFileName("tab\there\x7f.txt"), "tabhere.txt");
  EXPECT_EQ(sanitizeFileName("c1\xc2\x85.txt"), "c1.txt");  // U+0085 NEL
  // "invoice" U+202E "fdp.exe" would display as "invoiceexe.pdf".
  EXPECT_EQ(sanitizeFileName("invoice\xe2\x80\xae"
                             "fdp.exe"),
            "invoicefdp.exe");
}

TEST(FileName, DropsInvalidUtf8) {
  EXPECT_EQ(sanitizeFileName("a\xff\xfe.txt"), "a.txt");
  EXPECT_EQ(sanitizeFileName("overlong\xc0\xaf.txt"), "overlong.txt");
  EXPECT_EQ(sanitizeFileName("surrogate\xed\xa0\x80.txt"), "surrogate.txt");
  EXPECT_EQ(sanitizeFileName("cut\xe6\x97"), "cut");
}

TEST(FileName, CutsLongNamesOnACodePointAndKeepsTheExtension) {
  std::string longName;
  for (int i = 0; i < 150; ++i) longName += "é";  // 300 bytes
  const auto clean = sanitizeFileName(longName + ".png");
  EXPECT_LE(clean.size(), 200u);
  EXPECT_TRUE(clean.ends_with("é.png")) << clean;
  EXPECT_EQ(sanitizeFileName(""), "file");
}

TEST(FileName, ExtensionIsLowercaseAfterTheLastDot) {
  EXPECT_EQ(extensionOf("a.tar.GZ"), "gz");
  EXPECT_EQ(extensionOf("README"), "");
  EXPECT_EQ(extensionOf("photo."), "");
  EXPECT_EQ(extensionOf(".png"), "");
}

}  // namespace
}  // namespace gc::files
