#include "chat/social_graph.hpp"

#include <gtest/gtest.h>

namespace gc::chat {
namespace {

TEST(SocialGraph, FriendsAndBlocksBothWays) {
  SocialGraph g;
  g.load({store::Friendship{.id = "f",
                            .requester = "a",
                            .recipient = "b",
                            .status = "accepted",
                            .createdAtMs = 0,
                            .updatedAtMs = 0}},
         {store::Block{.blocker = "c", .blocked = "d"}});
  EXPECT_TRUE(g.areFriends("b", "a"));
  EXPECT_FALSE(g.areFriends("a", "c"));
  EXPECT_TRUE(g.blockedEitherWay("c", "d"));
  EXPECT_TRUE(g.blockedEitherWay("d", "c"));
  EXPECT_FALSE(g.blockedEitherWay("a", "b"));
  EXPECT_TRUE(g.hasBlocked("c", "d"));
  EXPECT_FALSE(g.hasBlocked("d", "c"));  // one way
  g.removeFriends("b", "a");
  EXPECT_TRUE(g.friendsOf("a").empty());
  g.removeBlock("d", "c");  // only the blocker's block exists
  EXPECT_TRUE(g.blockedEitherWay("c", "d"));
  g.removeBlock("c", "d");
  EXPECT_FALSE(g.blockedEitherWay("c", "d"));
  EXPECT_FALSE(g.hasBlocked("c", "d"));
}

}  // namespace
}  // namespace gc::chat
