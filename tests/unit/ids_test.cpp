#include <gtest/gtest.h>

#include <set>

#include "core/ids.hpp"

namespace gc::core {

TEST(Ids, AreTwentyFourLowercaseHexAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = newId();
    EXPECT_TRUE(isId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(Ids, AreTimeOrderedWithinAProcess) {
  const auto a = newId();
  const auto b = newId();
  EXPECT_LT(a, b);
}

TEST(Ids, RejectsOtherShapes) {
  EXPECT_FALSE(isId(""));
  EXPECT_FALSE(isId("0123456789abcdef0123456"));
  EXPECT_FALSE(isId("0123456789abcdef012345678"));
  EXPECT_FALSE(isId("0123456789ABCDEF01234567"));
  EXPECT_FALSE(isId("0123456789abcdef0123456g"));
}

}  // namespace gc::core
