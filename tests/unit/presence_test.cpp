#include "chat/presence.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json/parse.hpp>

namespace gc::chat {
namespace {

namespace json = boost::json;

struct Event {
  std::vector<std::string> to;
  std::string userId;
  std::string status;
};

class RecordingBroker final : public broker::Broker {
 public:
  void publish(const broker::Delivery& d) override {
    const auto v = json::parse(*d.frame).as_object();
    events.push_back(Event{.to = d.userIds,
                           .userId = std::string(v.at("userId").as_string()),
                           .status = std::string(v.at("status").as_string())});
  }
  void subscribe(Subscriber) override {}
  bool ready() override { return true; }
  std::vector<Event> events;
};

// Timers that fire only when the test says so: no clock.
class PresenceTest : public ::testing::Test {
 protected:
  PresenceTest()
      : presence_(broker_, graph_,
                  {.grace = std::chrono::milliseconds(5000),
                   .after = [this](std::chrono::milliseconds,
                                   std::function<void()> fire) { timers_.push_back(fire); },
                   .persistLastSeen = [this](const std::string& u,
                                             std::int64_t ms) { persisted_.emplace_back(u, ms); },
                   .nowMs = [this] { return now_; },
                   .shared = nullptr}) {
    graph_.addFriends("a", "b");
    graph_.addFriends("a", "c");
  }

  void fireTimers() {
    auto due = std::move(timers_);
    timers_.clear();
    for (auto& f : due) f();
  }
  std::vector<std::string> statuses() const {
    std::vector<std::string> out;
    for (const auto& e : broker_.events) out.push_back(e.status);
    return out;
  }

  RecordingBroker broker_;
  SocialGraph graph_;
  std::vector<std::function<void()>> timers_;
  std::vector<std::pair<std::string, std::int64_t>> persisted_;
  std::int64_t now_ = 1000;
  Presence presence_;
};

TEST_F(PresenceTest, FirstConnectionOnlineLastOneOfflineAfterTheGrace) {
  presence_.connected("a", 1);
  presence_.connected("a", 2);
  ASSERT_EQ(broker_.events.size(), 1u);
  EXPECT_EQ(broker_.events[0].status, "online");
  auto to = broker_.events[0].to;
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"b", "c"}));  // friends only
  presence_.disconnected("a", 1);
  EXPECT_TRUE(timers_.empty());
  now_ = 2000;
  presence_.disconnected("a", 2);
  EXPECT_EQ(presence_.view("a").status, "online");  // within the grace
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online"}));
  fireTimers();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online", "offline"}));
  EXPECT_EQ(presence_.view("a").status, "offline");
  EXPECT_EQ(presence_.view("a").lastSeenMs, 2000);
  EXPECT_EQ(persisted_, (std::vector<std::pair<std::string, std::int64_t>>{{"a", 2000}}));
}

TEST_F(PresenceTest, PresentListsConnectedUsersAndThoseWithinTheGrace) {
  presence_.connected("a", 1);
  presence_.connected("b", 2);
  presence_.disconnected("b", 2);
  auto present = presence_.present();
  std::sort(present.begin(), present.end());
  EXPECT_EQ(present, (std::vector<std::string>{"a", "b"}));
  fireTimers();
  EXPECT_EQ(presence_.present(), (std::vector<std::string>{"a"}));
}

TEST_F(PresenceTest, AReconnectWithinTheGraceCancelsTheOffline) {
  presence_.connected("a", 1);
  presence_.disconnected("a", 1);
  presence_.connected("a", 2);
  fireTimers();  // the first close's timer: stale
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online"}));
  EXPECT_TRUE(persisted_.empty());
  presence_.disconnected("a", 2);
  fireTimers();
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online", "offline"}));
}

TEST_F(PresenceTest, AwayOnlyWhenEveryConnectionIsAway) {
  presence_.connected("a", 1);
  presence_.connected("a", 2);
  presence_.setAway("a", 1, true);
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online"}));
  presence_.setAway("a", 2, true);
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online", "away"}));
  EXPECT_EQ(presence_.view("a").status, "away");
  presence_.setAway("a", 1, false);
  presence_.disconnected("a", 1);  // the one left is away
  EXPECT_EQ(statuses(), (std::vector<std::string>{"online", "away", "online", "away"}));
  presence_.setAway("a", 99, false);  // not a connection of a's: ignored
  EXPECT_EQ(broker_.events.size(), 4u);
}

TEST_F(PresenceTest, UsersWithoutFriendsPublishNothingAndIntroduceTellsBoth) {
  presence_.connected("z", 1);
  EXPECT_TRUE(broker_.events.empty());
  presence_.introduce("z", "b");
  ASSERT_EQ(broker_.events.size(), 2u);
  EXPECT_EQ(broker_.events[0].to, (std::vector<std::string>{"b"}));
  EXPECT_EQ(broker_.events[0].userId, "z");
  EXPECT_EQ(broker_.events[0].status, "online");
  EXPECT_EQ(broker_.events[1].to, (std::vector<std::string>{"z"}));
  EXPECT_EQ(broker_.events[1].status, "offline");
}

// Another instance made them friends: only the status of the one connected here is told.
TEST_F(PresenceTest, IntroduceHeldTellsOnlyWhoIsConnectedHere) {
  presence_.connected("z", 1);
  presence_.introduceHeld("z", "y");
  ASSERT_EQ(broker_.events.size(), 1u);
  EXPECT_EQ(broker_.events[0].to, (std::vector<std::string>{"y"}));
  EXPECT_EQ(broker_.events[0].userId, "z");
  EXPECT_EQ(broker_.events[0].status, "online");
}

}  // namespace
}  // namespace gc::chat
