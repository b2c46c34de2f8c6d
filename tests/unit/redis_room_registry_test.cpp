// What only the Redis registry does, on a real redis-server: two instances share a room (the
// cap counts both, a relay to a peer on the other instance reaches it through the broker, a
// replacement on one closes the connection on the other), an instance without a heartbeat
// loses its participants, Redis down answers `unavailable` while local lookups still work, a
// stalled Redis answers relay lookups within the call limit, a leave a stalled Redis missed is
// recorded by the next sweep, and a restarted, empty Redis gets the rooms back. The broker here is
// the in-process one (the instances share a process); the Redis pub/sub one is covered by
// tests/integration/video_scaleout.test.mjs.
#include <gtest/gtest.h>

#include <algorithm>

#include "broker/broker.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "room_registry_fixture.hpp"
#include "video/redis_room_registry.hpp"
#include "video/remote_peer.hpp"

namespace gc::video {
namespace {

using namespace std::chrono_literals;

class RedisRoomRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis.ready());
    for (auto* r : {&one, &two}) {
      relays->subscribe([r](const broker::Delivery& d) {
        if (auto envelope = decodeRelayEnvelope(*d.frame)) (*r)->deliver(*envelope);
      });
    }
  }

  std::unique_ptr<RedisRoomRegistry> instance(std::string id,
                                              std::chrono::milliseconds callLimit = 1000ms) {
    return std::make_unique<RedisRoomRegistry>(
        *link, *relays,
        RedisRegistrySettings{.rooms = {.maxPeers = 3,
                                        .ttlMs = 60'000,
                                        .nowMs = [this] { return now; },
                                        .newId = [this] { return "room" + std::to_string(++ids); }},
                              .instance = std::move(id),
                              .instanceTtlMs = 10'000,
                              .callLimit = callLimit});
  }

  // Redis stalled (SIGSTOP) while it lives, resumed however the test leaves the scope.
  struct Stalled {
    explicit Stalled(broker::RedisServer& r) : redis(r) { redis.pause(); }
    ~Stalled() { redis.resume(); }
    Stalled(const Stalled&) = delete;
    Stalled& operator=(const Stalled&) = delete;
    broker::RedisServer& redis;
  };

  std::int64_t now = core::nowMs();
  int ids = 0;
  broker::RedisServer redis;
  std::unique_ptr<broker::RedisLink> link = connectedLink(redis);
  std::unique_ptr<broker::Broker> relays = broker::makeLocalBroker();
  std::unique_ptr<RedisRoomRegistry> one = instance("one");
  std::unique_ptr<RedisRoomRegistry> two = instance("two");
};

TEST(RelayEnvelopeTest, RoundTripsAndRefusesOtherText) {
  const RelayEnvelope sent{.instance = "i1",
                           .roomId = "r1",
                           .userId = "u1",
                           .connection = 42,
                           .kind = RelayEnvelope::Kind::Close,
                           .closeCode = 4000,
                           .payload = "replaced\nby a newer connection"};
  const auto text = encodeRelayEnvelope(sent);
  EXPECT_EQ(relayEnvelopeInstance(text), "i1");
  const auto got = decodeRelayEnvelope(text);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->instance, "i1");
  EXPECT_EQ(got->roomId, "r1");
  EXPECT_EQ(got->userId, "u1");
  EXPECT_EQ(got->connection, 42u);
  EXPECT_EQ(got->kind, RelayEnvelope::Kind::Close);
  EXPECT_EQ(got->closeCode, 4000);
  EXPECT_EQ(got->payload, sent.payload);
  EXPECT_FALSE(decodeRelayEnvelope("gc1\ni1\nr1\nu1\n42\nframe\n0\n{}"));
  EXPECT_FALSE(decodeRelayEnvelope("gcv1\ni1\nr1\nu1\n0\nframe\n0\n{}"));  // no connection
  EXPECT_FALSE(decodeRelayEnvelope("gcv1\ni1\nr1\nu1\n42\nwave\n0\n{}"));
  EXPECT_EQ(relayEnvelopeInstance("garbage"), "");
}

TEST_F(RedisRoomRegistryTest, TwoInstancesShareARoomAndRelayToEachOther) {
  const auto id = one->create("a", "dm").id;
  auto a = conn("a");
  auto b = conn("b");
  ASSERT_EQ(one->join(id, a, {}).outcome, JoinResult::Outcome::Joined);
  const auto second = two->join(id, b, {});
  ASSERT_EQ(second.outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(second.peers, (std::vector<std::string>{"a"}));
  EXPECT_EQ(two->find(id)->participants, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(two->find(id)->conversationId, "dm");

  // Instance two reaches a, on instance one, through the broker, after asking Redis.
  EXPECT_FALSE(two->relayTargetsNow({.roomId = id, .from = "b", .to = "a"}));
  const auto toA = peerOf(*two, id, "a");
  ASSERT_TRUE(toA);
  EXPECT_NE(toA, a);
  toA->send(std::make_shared<const std::string>(R"({"type":"offer"})"));
  EXPECT_EQ(a->frames(), (std::vector<std::string>{R"({"type":"offer"})"}));
  const auto fromA = relayTargets(*one, id, {}, "a").connections;
  ASSERT_EQ(fromA.size(), 1u);
  fromA[0]->send(std::make_shared<const std::string>(R"({"type":"answer"})"));
  EXPECT_EQ(b->frames(), (std::vector<std::string>{R"({"type":"answer"})"}));

  // The cap counts the peers of both instances.
  EXPECT_EQ(one->join(id, conn("c"), {}).outcome, JoinResult::Outcome::Joined);
  EXPECT_EQ(two->join(id, conn("d"), {}).outcome, JoinResult::Outcome::Full);
  // Each instance counts its own.
  EXPECT_EQ(one->peerCount(), 2u);
  EXPECT_EQ(two->peerCount(), 1u);
}

TEST_F(RedisRoomRegistryTest, AReplacementOnOneInstanceClosesTheConnectionOnTheOther) {
  const auto id = one->create("a", "").id;
  auto b1 = conn("b");
  auto a = conn("a");
  two->join(id, b1, {});
  one->join(id, a, {});
  auto b2 = conn("b");
  const auto again = one->join(id, b2, {});
  ASSERT_EQ(again.outcome, JoinResult::Outcome::Joined);
  ASSERT_TRUE(again.replaced);
  again.replaced->close(4000, "replaced");
  EXPECT_EQ(b1->closedWith(), 4000);
  // From then on instance two sends b's frames to b2 on instance one, never to b1.
  const auto toB = peerOf(*two, id, "b");
  ASSERT_TRUE(toB);
  toB->send(std::make_shared<const std::string>(R"({"type":"offer"})"));
  EXPECT_EQ(b2->frames(), (std::vector<std::string>{R"({"type":"offer"})"}));
  EXPECT_TRUE(b1->frames().empty());
  // The old connection's close on instance two is not a leave; b stays, on instance one.
  EXPECT_FALSE(two->leave(id, *b1));
  EXPECT_EQ(one->find(id)->participants, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(peerOf(*one, id, "b"), b2);
  // The last one out, on either instance, ends the room for both.
  ASSERT_TRUE(one->leave(id, *b2));
  const auto last = one->leave(id, *a);
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->empty());
  EXPECT_FALSE(two->find(id));
}

TEST_F(RedisRoomRegistryTest, TheParticipantsOfAnInstanceWithoutHeartbeatAreDropped) {
  const auto id = one->create("a", "").id;
  one->join(id, conn("a"), {});
  two->join(id, conn("b"), {});
  two->join(id, conn("c"), {});
  EXPECT_EQ(one->join(id, conn("d"), {}).outcome, JoinResult::Outcome::Full);
  now += 10'001;     // instance two stopped beating (it died) ...
  one->heartbeat();  // ... one did not
  EXPECT_EQ(one->find(id)->participants, (std::vector<std::string>{"a"}));
  EXPECT_EQ(link->call({"HEXISTS", "video:instances", "two"}, 1s).integer, 0);
  // They no longer count, but only the sweep removes them, and says whom to tell.
  EXPECT_EQ(link->call({"HLEN", "room:" + id + ":participants"}, 1s).integer, 3);
  const auto lost = one->sweep();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].roomId, id);
  auto users = lost[0].userIds;
  std::sort(users.begin(), users.end());
  EXPECT_EQ(users, (std::vector<std::string>{"b", "c"}));
  ASSERT_EQ(lost[0].rest.size(), 1u);
  EXPECT_EQ(lost[0].rest[0]->userId(), "a");
  EXPECT_EQ(link->call({"HLEN", "room:" + id + ":participants"}, 1s).integer, 1);
  EXPECT_TRUE(one->sweep().empty());  // once
  EXPECT_EQ(one->join(id, conn("d"), {}).outcome, JoinResult::Outcome::Joined);
}

TEST_F(RedisRoomRegistryTest, WithoutRedisJoinsFailAtOnceAndLocalPeersStillTalk) {
  const auto id = one->create("a", "").id;
  auto a = conn("a");
  auto b = conn("b");
  one->join(id, a, {});
  one->join(id, b, {});
  redis.kill();
  const auto started = std::chrono::steady_clock::now();
  try {
    one->create("a", "");
    FAIL() << "created a room without redis";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(e.code(), "unavailable");
  }
  EXPECT_THROW(one->join(id, conn("c"), {}), core::ApiError);
  EXPECT_THROW(one->find(id), core::ApiError);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(one->relayTargetsNow({.roomId = id, .from = "a", .to = "b"})->connections,
            (std::vector<PeerConnection>{b}));
  EXPECT_EQ(one->others(id, "a"), (std::vector<PeerConnection>{b}));
  // A broadcast reaches the peers here; a relay to a peer elsewhere cannot be looked up.
  EXPECT_EQ(relayTargets(*one, id, {}, "a").connections, (std::vector<PeerConnection>{b}));
  EXPECT_EQ(relayTargets(*one, id, "someone-elsewhere", "a").outcome,
            RelayTargets::Outcome::Unavailable);
  // A leave Redis cannot hear still tells the local peers.
  const auto rest = one->leave(id, *a);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, (std::vector<PeerConnection>{b}));
}

TEST_F(RedisRoomRegistryTest, AStalledRedisAnswersRelayLookupsWithinTheCallLimit) {
  using Outcome = RelayTargets::Outcome;
  const auto limited = instance("three", 200ms);
  const auto id = limited->create("a", "").id;
  auto a = conn("a");
  auto c = conn("c");
  limited->join(id, a, {});
  limited->join(id, c, {});
  two->join(id, conn("b"), {});
  const Stalled stalled(redis);
  // A peer here is answered from memory, Redis or not.
  const auto toC = limited->relayTargetsNow({.roomId = id, .from = "a", .to = "c"});
  ASSERT_TRUE(toC);
  EXPECT_EQ(toC->connections, (std::vector<PeerConnection>{c}));
  // A peer elsewhere: `unavailable` once the call limit is up, not a wait without end.
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(relayTargets(*limited, id, "b", "a").outcome, Outcome::Unavailable);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 1500ms);
  // A broadcast reaches the peers here once the limit is up.
  started = std::chrono::steady_clock::now();
  const auto everyone = relayTargets(*limited, id, {}, "a");
  EXPECT_EQ(everyone.outcome, Outcome::Found);
  EXPECT_EQ(everyone.connections, (std::vector<PeerConnection>{c}));
  waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 1500ms);
}

TEST_F(RedisRoomRegistryTest, ALeaveRedisMissedIsRecordedByTheNextSweepAndTheOthersHearOfIt) {
  const auto limited = instance("three", 200ms);
  const auto id = limited->create("a", "").id;
  auto a = conn("a");
  limited->join(id, a, {});
  two->join(id, conn("b"), {});
  {
    const Stalled stalled(redis);
    const auto rest = limited->leave(id, *a);
    ASSERT_TRUE(rest);
    EXPECT_TRUE(rest->empty());  // nobody on this instance to tell; b is on the other
  }
  // The stalled Redis ran the leave once resumed, after its caller had given up: b, on the
  // other instance, has heard nothing of it yet.
  const auto lost = limited->sweep();
  ASSERT_EQ(lost.size(), 1U);
  EXPECT_EQ(lost[0].roomId, id);
  EXPECT_EQ(lost[0].userIds, (std::vector<std::string>{"a"}));
  ASSERT_EQ(lost[0].rest.size(), 1U);
  EXPECT_EQ(lost[0].rest[0]->userId(), "b");  // through its instance
  EXPECT_EQ(two->find(id)->participants, (std::vector<std::string>{"b"}));
  EXPECT_TRUE(limited->sweep().empty());  // recorded once
}

TEST_F(RedisRoomRegistryTest, ARestartedEmptyRedisGetsTheRoomsBack) {
  const auto id = one->create("a", "dm").id;
  auto a = conn("a");
  one->join(id, a, {"mallory"});
  two->join(id, conn("b"), {});
  redis.kill();
  redis.start();
  ASSERT_TRUE(redis.ready());
  // The link reconnects by itself; wait until it answers again.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (link->call({"PING"}, 1s).isError() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling: reconnecting
  }
  EXPECT_FALSE(one->find(id));  // Redis forgot it
  one->restore();
  two->restore();
  const auto room = one->find(id);
  ASSERT_TRUE(room);
  EXPECT_EQ(room->conversationId, "dm");
  EXPECT_EQ(room->createdBy, "a");
  EXPECT_EQ(room->participants, (std::vector<std::string>{"a", "b"}));  // restored in that order
  // The blocks came back with the participants.
  EXPECT_EQ(two->join(id, conn("mallory"), {}).outcome, JoinResult::Outcome::Blocked);
  EXPECT_TRUE(peerOf(*two, id, "a"));
}

}  // namespace
}  // namespace gc::video
