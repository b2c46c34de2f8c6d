// The Redis broker between two "instances" (two brokers) on a real redis-server: an event
// reaches the other instance once, with its recipients, conversation and seq, and reaches its
// own instance once (locally, not again through Redis); after Redis restarts both subscribe
// again, say so, and events flow again. The envelope round-trips and refuses what it is not.
#include "broker/redis_broker.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "redis_test_server.hpp"

namespace gc::broker {
namespace {

// What one instance's subscriber heard; waited on with a deadline.
class Heard {
 public:
  void add(const Delivery& d) {
    std::lock_guard lock(mutex_);
    events_.push_back(d);
    changed_.notify_all();
  }
  // Waits (at most `limit`) until `check` holds over what was heard.
  bool waitUntil(const std::function<bool(const std::vector<Delivery>&)>& check,
                 std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return check(events_); });
  }
  std::vector<Delivery> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Delivery> events_;
};

Delivery event(const std::string& frame, std::int64_t seq = 0) {
  return Delivery{.userIds = {"u1"},
                  .frame = std::make_shared<const std::string>(frame),
                  .exceptConnection = 42,
                  .sharedUserIds = std::make_shared<const std::vector<std::string>>(
                      std::vector<std::string>{"u2", "u3"}),
                  .conversationId = seq ? "grp_g1" : "",
                  .seq = seq};
}

bool contains(const std::vector<Delivery>& events, const std::string& frame) {
  return std::any_of(events.begin(), events.end(),
                     [&](const Delivery& d) { return *d.frame == frame; });
}

struct Instance {
  Heard heard;
  std::mutex mutex;
  std::condition_variable cv;
  int resubscribed = 0;
  std::unique_ptr<Broker> broker;

  explicit Instance(int port, bool conversationChannels = false) {
    broker = makeRedisBroker({.url = "redis://127.0.0.1:" + std::to_string(port),
                              .channel = "gc:test",
                              .conversationChannels = conversationChannels,
                              .resubscribed = [this] {
                                std::lock_guard lock(mutex);
                                ++resubscribed;
                                cv.notify_all();
                              }});
    broker->subscribe([this](const Delivery& d) { heard.add(d); });
  }
  bool waitResubscribed() {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, 15s, [this] { return resubscribed > 0; });
  }
};

// Publishes numbered events from `from` until `to` hears one (its subscription is being set
// up concurrently); returns the frame that got through.
std::string publishUntilHeard(Instance& from, Instance& to, const std::string& prefix) {
  for (int i = 0; i < 200; ++i) {
    const auto frame = prefix + std::to_string(i);
    from.broker->publish(event(frame, i + 1));
    if (to.heard.waitUntil([&](const auto& events) { return contains(events, frame); }, 100ms)) {
      return frame;
    }
  }
  return {};
}

TEST(RedisBrokerTest, AnEventReachesTheOtherInstanceOnceAndItsOwnOnlyLocally) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  Instance a(redis.port()), b(redis.port());
  ASSERT_FALSE(publishUntilHeard(a, b, "warm-up ").empty());
  // Both subscribed now: one event each way.
  a.broker->publish(event("from a", 7));
  b.broker->publish(event("from b"));
  ASSERT_TRUE(b.heard.waitUntil([](const auto& e) { return contains(e, "from a"); }));
  ASSERT_TRUE(a.heard.waitUntil([](const auto& e) { return contains(e, "from b"); }));
  // The same channel carries both, so b heard "from b" (locally) before a's echo would be
  // dropped; a's own event was heard by a exactly once.
  const auto countOf = [](const std::vector<Delivery>& events, const std::string& frame) {
    return std::count_if(events.begin(), events.end(),
                         [&](const Delivery& d) { return *d.frame == frame; });
  };
  EXPECT_EQ(countOf(a.heard.events(), "from a"), 1);
  EXPECT_EQ(countOf(b.heard.events(), "from b"), 1);
  const auto events = b.heard.events();
  const auto got = std::find_if(events.begin(), events.end(),
                                [](const Delivery& d) { return *d.frame == "from a"; });
  ASSERT_NE(got, events.end());
  EXPECT_EQ(got->userIds, (std::vector<std::string>{"u1", "u2", "u3"}));
  EXPECT_EQ(got->conversationId, "grp_g1");
  EXPECT_EQ(got->seq, 7);
  EXPECT_EQ(got->exceptConnection, 0u);  // a's connection ids mean nothing on b
  a.broker->close();
  b.broker->close();
}

TEST(RedisBrokerTest, AfterRedisRestartsBothSubscribeAgainAndSaySo) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  Instance a(redis.port()), b(redis.port());
  // Both subscriptions confirmed before the kill: one that never was has missed nothing, and
  // says nothing when it comes up (what a heard from b proves a's; b's the other way).
  ASSERT_FALSE(publishUntilHeard(a, b, "before ").empty());
  ASSERT_FALSE(publishUntilHeard(b, a, "before, from b ").empty());
  EXPECT_EQ(a.resubscribed + b.resubscribed, 0);
  redis.kill();
  a.broker->publish(event("while away"));  // local only: Redis is gone
  EXPECT_TRUE(a.heard.waitUntil([](const auto& e) { return contains(e, "while away"); }));
  // A follow does not wait for an absent Redis (its return closes every connection anyway).
  std::promise<void> followed;
  a.broker->follow({"dm_q"}, [&followed] { followed.set_value(); });
  EXPECT_EQ(followed.get_future().wait_for(5s), std::future_status::ready);
  std::promise<void> nothingToFollow;  // a user in no conversation yet
  a.broker->follow({}, [&nothingToFollow] { nothingToFollow.set_value(); });
  EXPECT_EQ(nothingToFollow.get_future().wait_for(5s), std::future_status::ready);
  redis.start();
  ASSERT_TRUE(redis.ready());
  EXPECT_TRUE(a.waitResubscribed());
  EXPECT_TRUE(b.waitResubscribed());
  EXPECT_FALSE(publishUntilHeard(a, b, "after ").empty());
  EXPECT_FALSE(contains(b.heard.events(), "while away"));
}

// With a channel per conversation: an instance hears a conversation's events only while it
// follows it, and every instance hears the main channel, which carries a conversation's first
// message (so that the instances of its participants learn to follow it).
TEST(RedisBrokerTest, AConversationsEventsReachOnlyTheInstancesFollowingIt) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  Instance a(redis.port(), true), b(redis.port(), true);
  const auto inConversation = [](const std::string& id, std::int64_t seq,
                                 const std::string& frame) {
    return Delivery{.userIds = {"u1"},
                    .frame = std::make_shared<const std::string>(frame),
                    .exceptConnection = 0,
                    .sharedUserIds = nullptr,
                    .conversationId = id,
                    .seq = seq};
  };
  // Waits until b hears `frame`, published by a on the main channel after everything before
  // it: Redis keeps one publisher's order, so b has heard by then all it was going to.
  const auto barrier = [&](const std::string& frame, std::chrono::milliseconds limit = 10s) {
    a.broker->publish(event(frame));
    return b.heard.waitUntil([&](const auto& e) { return contains(e, frame); }, limit);
  };
  const auto follow = [](Instance& instance, std::vector<std::string> ids) {
    std::promise<void> followed;
    instance.broker->follow(std::move(ids), [&followed] { followed.set_value(); });
    return followed.get_future().wait_for(10s) == std::future_status::ready;
  };
  bool warm = false;
  for (int i = 0; i < 200 && !warm; ++i) warm = barrier("warm-up " + std::to_string(i), 100ms);
  ASSERT_TRUE(warm);
  ASSERT_TRUE(follow(b, {"dm_x"}));
  a.broker->publish(inConversation("dm_x", 2, "x2"));
  a.broker->publish(inConversation("dm_y", 2, "y2"));  // b does not follow it
  a.broker->publish(inConversation("dm_z", 1, "z1"));  // a first message: the main channel
  a.broker->publish(inConversation("dm_y", 0, "y typing"));
  ASSERT_TRUE(barrier("barrier 1"));
  EXPECT_TRUE(contains(b.heard.events(), "x2"));
  EXPECT_TRUE(contains(b.heard.events(), "z1"));
  EXPECT_FALSE(contains(b.heard.events(), "y2"));
  EXPECT_FALSE(contains(b.heard.events(), "y typing"));
  // Unfollowed: once a later follow is confirmed, Redis has taken the unsubscribe before it.
  b.broker->unfollow({"dm_x"});
  ASSERT_TRUE(follow(b, {"dm_w"}));
  a.broker->publish(inConversation("dm_x", 3, "x3"));
  a.broker->publish(inConversation("dm_w", 5, "w5"));
  ASSERT_TRUE(barrier("barrier 2"));
  EXPECT_FALSE(contains(b.heard.events(), "x3"));
  EXPECT_TRUE(contains(b.heard.events(), "w5"));
  // Followed again: heard again.
  ASSERT_TRUE(follow(b, {"dm_x"}));
  a.broker->publish(inConversation("dm_x", 4, "x4"));
  ASSERT_TRUE(barrier("barrier 3"));
  EXPECT_TRUE(contains(b.heard.events(), "x4"));
  a.broker->close();
  b.broker->close();
}

TEST(RedisBrokerTest, TheEnvelopeRoundTripsAndRefusesWhatItIsNot) {
  const std::string frame("{\"type\":\"message\"}\nwith a newline\0and a nul", 42);
  auto d = event(frame, 12);
  const auto encoded = encodeEnvelope("inst1", d);
  const auto back = decodeEnvelope(encoded);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->instance, "inst1");
  EXPECT_EQ(*back->delivery.frame, frame);
  EXPECT_EQ(back->delivery.userIds, (std::vector<std::string>{"u1", "u2", "u3"}));
  EXPECT_EQ(back->delivery.seq, 12);
  EXPECT_EQ(back->delivery.conversationId, "grp_g1");
  EXPECT_FALSE(decodeEnvelope(""));
  d.groupChanged = "g1";
  d.pairChanged = {"u1", "u2"};
  const auto changes = decodeEnvelope(encodeEnvelope("inst1", d));
  ASSERT_TRUE(changes);
  EXPECT_EQ(changes->delivery.groupChanged, "g1");
  EXPECT_EQ(changes->delivery.pairChanged, (std::vector<std::string>{"u1", "u2"}));
  d.presenceOf = "u7";
  d.tokensRevoked = true;
  const auto revoked = decodeEnvelope(encodeEnvelope("inst1", d));
  EXPECT_EQ(revoked->delivery.presenceOf, "u7");
  EXPECT_TRUE(revoked->delivery.tokensRevoked);
  EXPECT_FALSE(changes->delivery.tokensRevoked);
  EXPECT_TRUE(decodeEnvelope("gc2\ninst\n\n0\n\n\n\n\nu1\n{}"));
  EXPECT_FALSE(decodeEnvelope("gc1\ninst\n\n0\n\n\n\n\nu1\n{}"));      // another version
  EXPECT_FALSE(decodeEnvelope("gc2\ninst\n\nx\n\n\n\n\nu1\n{}"));      // seq not a number
  EXPECT_FALSE(decodeEnvelope("gc2\ninst\n\n0\n\n\n\n\nu1,,u2\n{}"));  // an empty user id
  EXPECT_FALSE(decodeEnvelope("gc2\ninst\n\n0\n\nu1\n\n\nu1\n{}"));    // half a pair
  EXPECT_FALSE(decodeEnvelope("gc2\ninst\n\n0\n\n\n\nyes\nu1\n{}"));   // revoked: 1 or nothing
  EXPECT_FALSE(decodeEnvelope("gc2\ninst\n\n0\n\n\n\n"));              // cut short
  EXPECT_THROW(makeRedisBroker({.url = "http://x:1", .channel = "c", .resubscribed = {}}),
               std::invalid_argument);
  EXPECT_THROW(makeRedisBroker({.url = "redis://h:99999", .channel = "c", .resubscribed = {}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace gc::broker
