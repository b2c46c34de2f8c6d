#include "chat/typing_throttle.hpp"

#include <gtest/gtest.h>

namespace gc::chat {
namespace {

TEST(TypingThrottle, RelaysOneStartPerIntervalPerConversation) {
  TypingThrottle t;
  EXPECT_TRUE(t.shouldRelay("c1", true, 0));
  EXPECT_FALSE(t.shouldRelay("c1", true, 1));
  EXPECT_FALSE(t.shouldRelay("c1", true, TypingThrottle::kStartIntervalMs - 1));
  EXPECT_TRUE(t.shouldRelay("c2", true, 5));  // another conversation has its own interval
  EXPECT_TRUE(t.shouldRelay("c1", true, TypingThrottle::kStartIntervalMs));
}

TEST(TypingThrottle, RelaysAStopOnlyWhileAStartIsShowing) {
  TypingThrottle t;
  EXPECT_FALSE(t.shouldRelay("c1", false, 0));  // nothing to stop
  EXPECT_TRUE(t.shouldRelay("c1", true, 0));
  EXPECT_TRUE(t.shouldRelay("c1", false, 10));
  EXPECT_FALSE(t.shouldRelay("c1", false, 20));  // stopped already
  EXPECT_TRUE(t.shouldRelay("c1", true, 30));    // a new start right after a stop
  // Past the expiry the others have cleared it themselves.
  EXPECT_FALSE(t.shouldRelay("c1", false, 30 + TypingThrottle::kExpiryMs));
}

TEST(TypingThrottle, ActiveListsUnexpiredStartsForTheStopsOnClose) {
  TypingThrottle t;
  t.shouldRelay("c1", true, 0);
  t.shouldRelay("c2", true, 1000);
  t.shouldRelay("c3", true, 1000);
  t.shouldRelay("c3", false, 1500);
  EXPECT_EQ(t.active(2000).size(), 2u);
  EXPECT_EQ(t.active(TypingThrottle::kExpiryMs + 500), (std::vector<std::string>{"c2"}));
}

}  // namespace
}  // namespace gc::chat
