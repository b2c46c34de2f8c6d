// The room rules every registry keeps: the mesh cap, one connection per user and room (a
// second replaces the first), blocks both ways, expiry by an injected clock, empty rooms gone.
// Each case runs on the memory registry and on the Redis one (a real redis-server).
#include <gtest/gtest.h>

#include "broker/redis_link.hpp"
#include "core/time_format.hpp"
#include "redis_test_server.hpp"
#include "room_registry_fixture.hpp"
#include "video/memory_room_registry.hpp"
#include "video/redis_room_registry.hpp"

namespace gc::video {
namespace {

enum class Backend { Memory, Redis };

class RoomRegistryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Memory) {
      registry = std::make_unique<MemoryRoomRegistry>(settings());
      return;
    }
    redis = std::make_unique<broker::RedisServer>();
    ASSERT_TRUE(redis->ready());
    link = connectedLink(*redis);
    relays = broker::makeLocalBroker();
    registry = std::make_unique<RedisRoomRegistry>(
        *link, *relays,
        RedisRegistrySettings{.rooms = settings(),
                              .instance = "instance-1",
                              .instanceTtlMs = 10'000,
                              .callLimit = std::chrono::milliseconds(1000)});
  }

  RegistrySettings settings() {
    return {.maxPeers = 3,
            .ttlMs = 60'000,
            .nowMs = [this] { return now; },
            .newId = [this] { return "room" + std::to_string(++ids); }};
  }

  // The wall clock at the start (Redis expires the keys by it), moved by hand from there.
  std::int64_t now = core::nowMs();
  int ids = 0;
  std::unique_ptr<broker::RedisServer> redis;
  std::unique_ptr<broker::RedisLink> link;
  std::unique_ptr<broker::Broker> relays;
  std::unique_ptr<RoomRegistry> registry;
  RoomRegistry& rooms() { return *registry; }
};

INSTANTIATE_TEST_SUITE_P(Backends, RoomRegistryTest,
                         ::testing::Values(Backend::Memory, Backend::Redis), [](const auto& info) {
                           return info.param == Backend::Memory ? "Memory" : "Redis";
                         });

TEST_P(RoomRegistryTest, CreateAndFind) {
  const auto room = rooms().create("alice", "dm_a_b");
  EXPECT_EQ(room.id, "room1");
  EXPECT_EQ(room.expiresAtMs, now + 60'000);
  const auto found = rooms().find("room1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->createdBy, "alice");
  EXPECT_EQ(found->conversationId, "dm_a_b");
  EXPECT_TRUE(found->participants.empty());
  EXPECT_FALSE(rooms().find("nope"));
}

TEST_P(RoomRegistryTest, CapRefusesTheNextJoinAndPeersAreInJoinOrder) {
  const auto id = rooms().create("a", "").id;
  EXPECT_EQ(rooms().join(id, conn("a"), {}).outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(rooms().join(id, conn("b"), {}).outcome, JoinResult::Outcome::Joined);
  const auto third = rooms().join(id, conn("c"), {});
  EXPECT_EQ(third.outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(third.peers, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rooms().join(id, conn("d"), {}).outcome, JoinResult::Outcome::Full);
  EXPECT_EQ(rooms().find(id)->participants, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rooms().peerCount(), 3u);
}

TEST_P(RoomRegistryTest, SecondConnectionOfAUserReplacesTheFirstEvenWhenFull) {
  const auto id = rooms().create("a", "").id;
  auto a1 = conn("a");
  rooms().join(id, a1, {});
  rooms().join(id, conn("b"), {});
  rooms().join(id, conn("c"), {});
  auto a2 = conn("a");
  const auto again = rooms().join(id, a2, {});
  EXPECT_EQ(again.outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(again.replaced, a1);
  EXPECT_EQ(again.peers, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(peerOf(rooms(), id, "a"), a2);
  EXPECT_EQ(rooms().peerCount(), 3u);
  // The replaced connection's close is not a leave: nobody is told, the user stays.
  EXPECT_FALSE(rooms().leave(id, *a1));
  EXPECT_EQ(rooms().find(id)->participants.size(), 3u);
}

TEST_P(RoomRegistryTest, LeaveReturnsTheOthersAndTheLastOneOutRemovesTheRoom) {
  const auto id = rooms().create("a", "").id;
  auto a = conn("a");
  auto b = conn("b");
  rooms().join(id, a, {});
  rooms().join(id, b, {});
  const auto rest = rooms().leave(id, *a);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, (std::vector<PeerConnection>{b}));
  EXPECT_EQ(rooms().others(id, "nobody"), (std::vector<PeerConnection>{b}));
  const auto none = rooms().leave(id, *b);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(rooms().find(id));
  EXPECT_EQ(rooms().roomCount(), 0u);
  EXPECT_EQ(rooms().join(id, conn("a"), {}).outcome, JoinResult::Outcome::NotFound);
}

TEST_P(RoomRegistryTest, RelayLookupsFindTheAddresseeOrEveryoneElse) {
  using Outcome = RelayTargets::Outcome;
  const auto id = rooms().create("a", "").id;
  auto a = conn("a");
  auto b = conn("b");
  auto c = conn("c");
  rooms().join(id, a, {});
  rooms().join(id, b, {});
  rooms().join(id, c, {});
  const auto toB = relayTargets(rooms(), id, "b", "a");
  EXPECT_EQ(toB.outcome, Outcome::Found);
  EXPECT_EQ(toB.connections, (std::vector<PeerConnection>{b}));
  EXPECT_EQ(relayTargets(rooms(), id, "nobody", "a").outcome, Outcome::NotFound);
  EXPECT_EQ(relayTargets(rooms(), "no-such-room", "b", "a").outcome, Outcome::NotFound);
  const auto everyone = relayTargets(rooms(), id, {}, "a");  // a media-state
  EXPECT_EQ(everyone.outcome, Outcome::Found);
  EXPECT_EQ(everyone.connections, (std::vector<PeerConnection>{b, c}));
  const auto nobody = relayTargets(rooms(), "no-such-room", {}, "a");
  EXPECT_EQ(nobody.outcome, Outcome::Found);
  EXPECT_TRUE(nobody.connections.empty());
  // A peer connected to this process is answered from memory by every registry, without
  // waiting for anything.
  const auto fromMemory = rooms().relayTargetsNow({.roomId = id, .from = "a", .to = "c"});
  ASSERT_TRUE(fromMemory);
  EXPECT_EQ(fromMemory->connections, (std::vector<PeerConnection>{c}));
}

TEST_P(RoomRegistryTest, BlocksRefuseEitherWayRound) {
  const auto id = rooms().create("a", "").id;
  rooms().join(id, conn("alice"), {"mallory"});  // alice blocked mallory
  EXPECT_EQ(rooms().join(id, conn("mallory"), {}).outcome, JoinResult::Outcome::Blocked);
  EXPECT_EQ(rooms().join(id, conn("bob"), {"alice"}).outcome, JoinResult::Outcome::Blocked);
  EXPECT_EQ(rooms().join(id, conn("carol"), {"someone-else"}).outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(rooms().find(id)->participants, (std::vector<std::string>{"alice", "carol"}));
}

TEST_P(RoomRegistryTest, ExpiryByTheInjectedClock) {
  const auto early = rooms().create("a", "").id;
  now += 30'000;
  const auto late = rooms().create("b", "").id;
  auto a = conn("a");
  rooms().join(early, a, {});
  rooms().join(late, conn("b"), {});
  now += 29'999;
  EXPECT_TRUE(rooms().expire().empty());
  EXPECT_TRUE(rooms().find(early));
  now += 1;                           // early's 60 s are up
  EXPECT_FALSE(rooms().find(early));  // not served even before the sweep
  EXPECT_EQ(rooms().join(early, conn("c"), {}).outcome, JoinResult::Outcome::NotFound);
  const auto expired = rooms().expire();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].roomId, early);
  EXPECT_EQ(expired[0].connections, (std::vector<PeerConnection>{a}));
  EXPECT_EQ(rooms().roomCount(), 1u);
  EXPECT_EQ(rooms().peerCount(), 1u);
  EXPECT_FALSE(rooms().leave(early, *a));  // its close after the sweep tells nobody
  EXPECT_TRUE(rooms().find(late));
}

}  // namespace
}  // namespace gc::video
