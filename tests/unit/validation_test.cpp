#include "chat/validation.hpp"

#include <gtest/gtest.h>

#include "chat/conversation_id.hpp"
#include "core/error.hpp"

namespace gc::chat {
namespace {

bool rejects(auto f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    return e.status() == 400;
  }
  return false;
}

TEST(Validation, UsernameLimits) {
  EXPECT_NO_THROW(validateUsername("abc"));
  EXPECT_NO_THROW(validateUsername(std::string(32, 'a')));
  EXPECT_NO_THROW(validateUsername("A_b9"));
  EXPECT_TRUE(rejects([] { validateUsername("ab"); }));
  EXPECT_TRUE(rejects([] { validateUsername(std::string(33, 'a')); }));
  EXPECT_TRUE(rejects([] { validateUsername("al ice"); }));
  EXPECT_TRUE(rejects([] { validateUsername("alïce"); }));
}

TEST(Validation, PasswordIsEightToSeventyTwoBytesWithoutNul) {
  EXPECT_NO_THROW(validatePassword(std::string(8, 'x')));
  EXPECT_NO_THROW(validatePassword(std::string(72, 'x')));
  EXPECT_TRUE(rejects([] { validatePassword(std::string(7, 'x')); }));
  EXPECT_TRUE(rejects([] { validatePassword(std::string(73, 'x')); }));
  EXPECT_TRUE(rejects([] { validatePassword(std::string("abcd\0efgh", 9)); }));
}

TEST(Validation, Email) {
  EXPECT_NO_THROW(validateEmail("a@b.io"));
  EXPECT_TRUE(rejects([] { validateEmail("ab.io"); }));
  EXPECT_TRUE(rejects([] { validateEmail("a@b@c.io"); }));
  EXPECT_TRUE(rejects([] { validateEmail("a@bio"); }));
  EXPECT_TRUE(rejects([] { validateEmail("@b.io"); }));
}

TEST(Validation, BodyIsTrimmedAndCountedInCodePoints) {
  EXPECT_EQ(normalizeBody("  hi \n"), "hi");
  EXPECT_TRUE(rejects([] { normalizeBody(" \t\n "); }));
  std::string accents;
  for (int i = 0; i < 4000; ++i) accents += "é";
  EXPECT_EQ(normalizeBody(accents).size(), 8000u);
  EXPECT_TRUE(rejects([&] { normalizeBody(accents + "é"); }));
}

TEST(ConversationId, OnlyTheSortedDmSpellingParses) {
  const std::string a = "6b0813273d572f9fa94a1f33", b = "6b0813273d572f9fa94a1f35";
  EXPECT_EQ(directConversationId(b, a), "dm_" + a + "_" + b);
  auto ref = parseConversationId("dm_" + a + "_" + b);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->first, a);
  EXPECT_EQ(ref->second, b);
  EXPECT_FALSE(parseConversationId("dm_" + b + "_" + a));
  EXPECT_FALSE(parseConversationId("dm_" + a));
  EXPECT_FALSE(parseConversationId("room_" + a));
  EXPECT_TRUE(parseConversationId("grp_" + a));
}

}  // namespace
}  // namespace gc::chat
