#include "chat/group_directory.hpp"

#include <gtest/gtest.h>

namespace gc::chat {
namespace {

store::Group group(const std::string& id,
                   std::vector<std::pair<std::string, std::string>> members) {
  store::Group g;
  g.id = id;
  g.name = "g";
  for (auto& [user, role] : members)
    g.members.push_back({.userId = user, .role = role, .joinedAtMs = 0});
  return g;
}

TEST(GroupDirectory, FindsMembersAndAdminsOfKnownGroupsOnly) {
  GroupDirectory d;
  d.put(group("g1", {{"alice", "admin"}, {"bob", "member"}}));
  EXPECT_EQ(d.find("nope"), nullptr);
  const auto e = d.find("g1");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->isMember("alice"));
  EXPECT_TRUE(e->isAdmin("alice"));
  EXPECT_TRUE(e->isMember("bob"));
  EXPECT_FALSE(e->isAdmin("bob"));
  EXPECT_FALSE(e->isMember("carol"));
  EXPECT_FALSE(e->isAdmin("carol"));
  EXPECT_EQ(e->memberIds, (std::vector<std::string>{"alice", "bob"}));
}

TEST(GroupDirectory, SharedMemberIdsKeepTheSnapshotAliveWithoutACopy) {
  GroupDirectory d;
  d.put(group("g1", {{"alice", "admin"}, {"bob", "member"}}));
  auto members = sharedMemberIds(d.find("g1"));
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members.get(), &d.find("g1")->memberIds);  // the entry's own list
  d.put(group("g1", {{"alice", "admin"}}));            // replaced: the old entry lives on
  d.erase("g1");
  EXPECT_EQ(*members, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(sharedMemberIds(nullptr), nullptr);
}

TEST(GroupDirectory, AChangeReplacesTheEntryAndNeverEditsASnapshotInUse) {
  GroupDirectory d;
  d.put(group("g1", {{"alice", "admin"}, {"bob", "member"}}));
  const auto before = d.find("g1");
  d.put(group("g1", {{"alice", "admin"}}));  // bob was kicked
  EXPECT_FALSE(d.find("g1")->isMember("bob"));
  // Whoever still holds the old snapshot sees it whole, as it was.
  EXPECT_TRUE(before->isMember("bob"));
  EXPECT_EQ(before->memberIds.size(), 2u);
  d.erase("g1");
  EXPECT_EQ(d.find("g1"), nullptr);
  EXPECT_EQ(d.size(), 0u);
  d.erase("g1");  // erasing twice is harmless
}

TEST(GroupDirectory, LoadsEveryGroup) {
  GroupDirectory d;
  d.load({group("g1", {{"a", "admin"}}), group("g2", {{"b", "admin"}})});
  EXPECT_EQ(d.size(), 2u);
  EXPECT_TRUE(d.find("g2")->isAdmin("b"));
}

}  // namespace
}  // namespace gc::chat
