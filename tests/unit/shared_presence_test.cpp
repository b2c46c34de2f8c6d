// Presence across instances on a real redis-server: two Presence objects (two "instances")
// with their own Redis links, friends told through one broker both hear. A user connected to
// both is one status: online once, offline once (when the last instance lets go), away only
// when every connection is away; a new instance knows who is online from a snapshot; the
// users of an instance that died go offline once its words expire; without Redis an instance
// tells its own word.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>

#include "broker/redis_presence.hpp"
#include "chat/presence.hpp"
#include "redis_test_server.hpp"

namespace gc::chat {
namespace {

using broker::RedisServer;
using namespace std::chrono_literals;

struct Told {
  std::string userId;
  std::string status;
};

// Every instance hears every event, as with the Redis broker.
class SharedBroker final : public broker::Broker {
 public:
  void publish(const broker::Delivery& d) override {
    const auto v = boost::json::parse(*d.frame).as_object();
    {
      std::lock_guard lock(mutex_);
      told_.push_back(
          {std::string(v.at("userId").as_string()), std::string(v.at("status").as_string())});
    }
    for (auto* p : listeners) p->heard(d);
    changed_.notify_all();
  }
  void subscribe(Subscriber) override {}
  bool ready() override { return true; }

  std::vector<Told> told() {
    std::lock_guard lock(mutex_);
    return told_;
  }
  // Waits (at most 10 s) until `count` events were told.
  bool waitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return told_.size() >= count; });
  }
  std::vector<Presence*> listeners;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Told> told_;
};

constexpr auto kGrace = 5000ms;

class Instance {
 public:
  Instance(int port, SharedBroker& broker, const SocialGraph& graph,
           std::chrono::milliseconds ttl = 30s)
      : link_({.url = "redis://127.0.0.1:" + std::to_string(port), .reconnected = nullptr}),
        shared_(link_, "instance-" + std::to_string(++count_), ttl),
        presence(broker, graph,
                 {.grace = kGrace,
                  .after =
                      [this](std::chrono::milliseconds delay, std::function<void()> fire) {
                        std::lock_guard lock(mutex_);
                        timers_.emplace_back(delay, std::move(fire));
                      },
                  .persistLastSeen =
                      [this](const std::string& userId, std::int64_t) {
                        std::lock_guard lock(mutex_);
                        persisted_.push_back(userId);
                      },
                  .nowMs = [] { return std::int64_t{1000}; },
                  .shared = &shared_}) {
    // Until the link is up, a word would be told alone: wait for it.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!link_.connected() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);  // polling a condition: the connection is being made
    }
  }
  ~Instance() { link_.close(); }

  // Every Redis answer to what this instance sent so far has been handled: one connection
  // answers in order. Twice: a script Redis did not know yet is sent again in full from its
  // first answer, behind the first PING.
  void settled() {
    ASSERT_FALSE(link_.call({"PING"}, 5s).isError());
    ASSERT_FALSE(link_.call({"PING"}, 5s).isError());
  }
  // Runs the timers of one kind that are due (grace timers, or the periodic refresh).
  void fire(std::chrono::milliseconds delay) {
    std::vector<std::function<void()>> due;
    {
      std::lock_guard lock(mutex_);
      for (auto it = timers_.begin(); it != timers_.end();) {
        if (it->first == delay) {
          due.push_back(std::move(it->second));
          it = timers_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& f : due) f();
  }
  std::vector<std::string> persisted() {
    std::lock_guard lock(mutex_);
    return persisted_;
  }

 private:
  static inline int count_ = 0;
  broker::RedisLink link_;
  broker::RedisPresence shared_;
  std::mutex mutex_;
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> timers_;
  std::vector<std::string> persisted_;

 public:
  Presence presence;
};

class SharedPresenceTest : public ::testing::Test {
 protected:
  SharedPresenceTest() {
    graph_.addFriends("a", "b");
    EXPECT_TRUE(redis_.ready());
  }
  std::unique_ptr<Instance> start(std::chrono::milliseconds ttl = 30s) {
    auto i = std::make_unique<Instance>(redis_.port(), broker_, graph_, ttl);
    broker_.listeners.push_back(&i->presence);
    return i;
  }
  void stop(std::unique_ptr<Instance>& i) {
    std::erase(broker_.listeners, &i->presence);
    i.reset();
  }
  std::vector<std::string> statuses() {
    std::vector<std::string> out;
    for (const auto& t : broker_.told()) out.push_back(t.userId + ":" + t.status);
    return out;
  }

  RedisServer redis_;
  SocialGraph graph_;
  SharedBroker broker_;
};

TEST_F(SharedPresenceTest, OneStatusOverEveryInstance) {
  auto one = start();
  auto two = start();
  one->presence.connected("a", 1);
  ASSERT_TRUE(broker_.waitFor(1));
  two->presence.connected("a", 2);
  two->settled();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online"}));  // not twice
  EXPECT_EQ(two->presence.view("a").status, "online");

  // Instance one lets go (its grace ran out): the user is still online through two.
  one->presence.disconnected("a", 1);
  one->fire(kGrace);
  one->settled();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online"}));
  EXPECT_EQ(one->presence.view("a").status, "online");  // from the copy
  EXPECT_TRUE(one->persisted().empty());

  two->presence.setAway("a", 2, true);
  ASSERT_TRUE(broker_.waitFor(2));
  two->presence.disconnected("a", 2);
  two->fire(kGrace);
  ASSERT_TRUE(broker_.waitFor(3));
  two->settled();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online", "a:away", "a:offline"}));
  EXPECT_EQ(one->presence.view("a").status, "offline");
  EXPECT_EQ(two->persisted(), std::vector<std::string>{"a"});  // last seen stored once
  EXPECT_TRUE(one->persisted().empty());
}

TEST_F(SharedPresenceTest, AwayOnlyWhenEveryInstanceSaysSo) {
  auto one = start();
  auto two = start();
  one->presence.connected("a", 1);
  ASSERT_TRUE(broker_.waitFor(1));
  two->presence.connected("a", 2);
  two->settled();
  one->presence.setAway("a", 1, true);  // two's connection is still at the keyboard
  one->settled();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online"}));
  two->presence.setAway("a", 2, true);
  ASSERT_TRUE(broker_.waitFor(2));
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online", "a:away"}));
}

TEST_F(SharedPresenceTest, ANewInstanceKnowsWhoIsOnlineFromASnapshot) {
  auto one = start();
  one->presence.connected("a", 1);
  ASSERT_TRUE(broker_.waitFor(1));
  auto late = std::make_unique<Instance>(redis_.port(), broker_, graph_);  // heard nothing
  EXPECT_EQ(late->presence.view("a").status, "offline");
  late->presence.share();
  late->settled();
  EXPECT_EQ(late->presence.view("a").status, "online");
}

TEST_F(SharedPresenceTest, UsersOfADeadInstanceGoOfflineOnceItsWordsExpire) {
  const auto ttl = 600ms;
  auto doomed = start(ttl);
  auto survivor = start(ttl);
  survivor->presence.share();  // starts its periodic refresh
  doomed->presence.connected("a", 1);
  ASSERT_TRUE(broker_.waitFor(1));
  stop(doomed);  // no goodbye: as kill -9
  // The survivor's refreshes settle the expired user once the word is older than the ttl.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (broker_.told().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    survivor->fire(ttl / 3);
    survivor->settled();
    std::this_thread::sleep_for(50ms);  // polling a condition: the word's expiry is time-based
  }
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online", "a:offline"}));
  EXPECT_EQ(survivor->persisted(), std::vector<std::string>{"a"});
  EXPECT_EQ(survivor->presence.view("a").status, "offline");
}

TEST_F(SharedPresenceTest, WithoutRedisAnInstanceTellsItsOwnWord) {
  auto one = start();
  redis_.kill();
  one->presence.connected("a", 1);
  ASSERT_TRUE(broker_.waitFor(1));
  EXPECT_EQ(statuses(), (std::vector<std::string>{"a:online"}));
  EXPECT_EQ(one->presence.view("a").status, "online");
}

}  // namespace
}  // namespace gc::chat
