#include "chat/password.hpp"

#include <gtest/gtest.h>

namespace gc::chat {

TEST(Password, HashIsBcrypt2bWithTheRequestedCost) {
  const auto hash = hashPassword("correct horse", 4);
  EXPECT_EQ(hash.substr(0, 7), "$2b$04$");
  EXPECT_EQ(hash.size(), 60u);
  EXPECT_EQ(hashPassword("x1234567", 10).substr(0, 7), "$2b$10$");
}

TEST(Password, VerifiesTheRightPasswordOnly) {
  const auto hash = hashPassword("correct horse", 4);
  EXPECT_TRUE(verifyPassword("correct horse", hash));
  EXPECT_FALSE(verifyPassword("correct horsf", hash));
  EXPECT_FALSE(verifyPassword("", hash));
}

TEST(Password, SaltsEveryHash) {
  EXPECT_NE(hashPassword("same password", 4), hashPassword("same password", 4));
}

TEST(Password, GarbageHashNeverVerifies) {
  EXPECT_FALSE(verifyPassword("anything", "not a hash"));
  EXPECT_FALSE(verifyPassword("anything", ""));
}

}  // namespace gc::chat
