#include "files/byte_range.hpp"

#include <gtest/gtest.h>

namespace gc::files {
namespace {

using Kind = RangeDecision::Kind;

void expectPartial(std::string_view header, std::uint64_t size, std::uint64_t first,
                   std::uint64_t last) {
  const auto r = decideRange(header, size);
  EXPECT_EQ(r.kind, Kind::Partial) << header;
  EXPECT_EQ(r.first, first) << header;
  EXPECT_EQ(r.last, last) << header;
}

TEST(ByteRange, ServesTheThreeFormsOfOneRange) {
  expectPartial("bytes=0-99", 1000, 0, 99);
  expectPartial("bytes=100-", 1000, 100, 999);
  expectPartial("bytes=-100", 1000, 900, 999);
  expectPartial("bytes=990-2000", 1000, 990, 999);  // clamped to the end
  expectPartial("bytes=-5000", 1000, 0, 999);       // more than there is: all of it
  expectPartial("bytes=999-999", 1000, 999, 999);
  expectPartial("Bytes=1-2", 1000, 1, 2);  // the unit is case-insensitive
}

TEST(ByteRange, RangesPastTheEndAreUnsatisfiable) {
  EXPECT_EQ(decideRange("bytes=1000-", 1000).kind, Kind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=5000-6000", 1000).kind, Kind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=-0", 1000).kind, Kind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=0-", 0).kind, Kind::Unsatisfiable);
}

TEST(ByteRange, IgnoresWhatItDoesNotServe) {
  for (const char* header : {"", "items=0-1", "bytes=", "bytes=a-b", "bytes=5-1", "bytes=0-1,5-6",
                             "bytes=1", "bytes=--1", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(decideRange(header, 1000).kind, Kind::Whole) << header;
  }
}

}  // namespace
}  // namespace gc::files
