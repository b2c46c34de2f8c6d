#include "core/utf8_validator.hpp"

#include <gtest/gtest.h>

namespace gc::core {
namespace {

TEST(Utf8Validator, AcceptsValidText) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii, long enough to take the eight-byte path"));
  EXPECT_TRUE(isValidUtf8("\xc2\x80 \xdf\xbf"));                  // U+0080, U+07FF
  EXPECT_TRUE(isValidUtf8("\xe0\xa0\x80 \xef\xbf\xbf"));          // U+0800, U+FFFF
  EXPECT_TRUE(isValidUtf8("\xed\x9f\xbf \xee\x80\x80"));          // around the surrogates
  EXPECT_TRUE(isValidUtf8("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"));  // U+10000, U+10FFFF
}

TEST(Utf8Validator, RejectsInvalidText) {
  EXPECT_FALSE(isValidUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xe0\x9f\xbf"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // U+D800
  EXPECT_FALSE(isValidUtf8("\xed\xbf\xbf"));      // U+DFFF
  EXPECT_FALSE(isValidUtf8("\xf0\x8f\xbf\xbf"));  // overlong
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(isValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(isValidUtf8("\xff"));
  EXPECT_FALSE(isValidUtf8("abc\xe2\x82"));  // incomplete at the end
  EXPECT_FALSE(isValidUtf8("\xe2\x28\xa1"));
}

TEST(Utf8Validator, CarriesStateAcrossCalls) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed("abc\xf0\x9f"));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed("\x98"));
  EXPECT_TRUE(v.feed("\x80"));
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.feed("\x80"));
  EXPECT_FALSE(v.feed("a"));  // once invalid, stays invalid
  v.reset();
  EXPECT_TRUE(v.feed("a"));
  EXPECT_TRUE(v.complete());
}

}  // namespace
}  // namespace gc::core
