// The room rules every registry keeps: the mesh cap, one connection per user and room (a
// second replaces the first), blocks both ways, expiry by an injected clock, empty rooms gone.
#include "video/memory_room_registry.hpp"

#include <gtest/gtest.h>

namespace gc::video {
namespace {

class FakeConnection final : public hub::Connection {
 public:
  explicit FakeConnection(const std::string& user) : Connection(user, "t") {}
  void send(broker::SharedFrame) override {}
  void close(std::uint16_t, std::string) override {}
};

std::shared_ptr<FakeConnection> conn(const std::string& user) {
  return std::make_shared<FakeConnection>(user);
}

class RoomRegistryTest : public ::testing::Test {
 protected:
  std::int64_t now = 1'000'000;
  int ids = 0;
  MemoryRoomRegistry rooms{{.maxPeers = 3,
                            .ttlMs = 60'000,
                            .nowMs = [this] { return now; },
                            .newId = [this] { return "room" + std::to_string(++ids); }}};
};

TEST_F(RoomRegistryTest, CreateAndFind) {
  const auto room = rooms.create("alice", "dm_a_b");
  EXPECT_EQ(room.id, "room1");
  EXPECT_EQ(room.expiresAtMs, now + 60'000);
  const auto found = rooms.find("room1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->createdBy, "alice");
  EXPECT_EQ(found->conversationId, "dm_a_b");
  EXPECT_TRUE(found->participants.empty());
  EXPECT_FALSE(rooms.find("nope"));
}

TEST_F(RoomRegistryTest, CapRefusesTheNextJoinAndPeersAreInJoinOrder) {
  const auto id = rooms.create("a", "").id;
  EXPECT_EQ(rooms.join(id, conn("a"), {}).outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(rooms.join(id, conn("b"), {}).outcome, JoinResult::Outcome::Joined);
  const auto third = rooms.join(id, conn("c"), {});
  EXPECT_EQ(third.outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(third.peers, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rooms.join(id, conn("d"), {}).outcome, JoinResult::Outcome::Full);
  EXPECT_EQ(rooms.find(id)->participants, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rooms.peerCount(), 3u);
}

TEST_F(RoomRegistryTest, SecondConnectionOfAUserReplacesTheFirstEvenWhenFull) {
  const auto id = rooms.create("a", "").id;
  auto a1 = conn("a");
  rooms.join(id, a1, {});
  rooms.join(id, conn("b"), {});
  rooms.join(id, conn("c"), {});
  auto a2 = conn("a");
  const auto again = rooms.join(id, a2, {});
  EXPECT_EQ(again.outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(again.replaced, a1);
  EXPECT_EQ(again.peers, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(rooms.peer(id, "a"), a2);
  EXPECT_EQ(rooms.peerCount(), 3u);
  // The replaced connection's close is not a leave: nobody is told, the user stays.
  EXPECT_FALSE(rooms.leave(id, *a1));
  EXPECT_EQ(rooms.find(id)->participants.size(), 3u);
}

TEST_F(RoomRegistryTest, LeaveReturnsTheOthersAndTheLastOneOutRemovesTheRoom) {
  const auto id = rooms.create("a", "").id;
  auto a = conn("a");
  auto b = conn("b");
  rooms.join(id, a, {});
  rooms.join(id, b, {});
  const auto rest = rooms.leave(id, *a);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, (std::vector<PeerConnection>{b}));
  EXPECT_EQ(rooms.others(id, "nobody"), (std::vector<PeerConnection>{b}));
  const auto none = rooms.leave(id, *b);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(rooms.find(id));
  EXPECT_EQ(rooms.roomCount(), 0u);
  EXPECT_EQ(rooms.join(id, conn("a"), {}).outcome, JoinResult::Outcome::NotFound);
}

TEST_F(RoomRegistryTest, BlocksRefuseEitherWayRound) {
  const auto id = rooms.create("a", "").id;
  rooms.join(id, conn("alice"), {"mallory"});  // alice blocked mallory
  EXPECT_EQ(rooms.join(id, conn("mallory"), {}).outcome, JoinResult::Outcome::Blocked);
  EXPECT_EQ(rooms.join(id, conn("bob"), {"alice"}).outcome, JoinResult::Outcome::Blocked);
  EXPECT_EQ(rooms.join(id, conn("carol"), {"someone-else"}).outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(rooms.find(id)->participants, (std::vector<std::string>{"alice", "carol"}));
}

TEST_F(RoomRegistryTest, ExpiryByTheInjectedClock) {
  const auto early = rooms.create("a", "").id;
  now += 30'000;
  const auto late = rooms.create("b", "").id;
  auto a = conn("a");
  rooms.join(early, a, {});
  rooms.join(late, conn("b"), {});
  now += 29'999;
  EXPECT_TRUE(rooms.expire().empty());
  EXPECT_TRUE(rooms.find(early));
  now += 1;                         // early's 60 s are up
  EXPECT_FALSE(rooms.find(early));  // not served even before the sweep
  EXPECT_EQ(rooms.join(early, conn("c"), {}).outcome, JoinResult::Outcome::NotFound);
  const auto expired = rooms.expire();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].roomId, early);
  EXPECT_EQ(expired[0].connections, (std::vector<PeerConnection>{a}));
  EXPECT_EQ(rooms.roomCount(), 1u);
  EXPECT_EQ(rooms.peerCount(), 1u);
  EXPECT_FALSE(rooms.leave(early, *a));  // its close after the sweep tells nobody
  EXPECT_TRUE(rooms.find(late));
}

}  // namespace
}  // namespace gc::video
