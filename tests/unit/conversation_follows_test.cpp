// ConversationFollows: an instance follows the conversations of the users connected to it. A
// user's first connection is admitted once Redis confirms their conversations (or after a
// timeout), the last one unfollows what no other user here is in, and conversations that
// start or are joined while a user is connected are followed (and caught up) as heard.
#include "chat/conversation_follows.hpp"

#include <gtest/gtest.h>

#include <map>

namespace gc::chat {
namespace {

using Ids = std::vector<std::string>;

// Records what the follows ask of the broker; confirms subscriptions when told to.
class FakeBroker final : public broker::Broker {
 public:
  void publish(const broker::Delivery&) override {}
  void subscribe(Subscriber) override {}
  bool ready() override { return true; }
  void follow(Ids ids, std::function<void()> followed) override {
    follows.push_back(ids);
    pending.push_back(std::move(followed));
  }
  void unfollow(Ids ids) override { unfollows.push_back(ids); }
  // Redis confirmed every subscription asked for so far.
  void confirm() {
    auto due = std::move(pending);
    pending.clear();
    for (auto& f : due) f();
  }

  std::vector<Ids> follows;
  std::vector<Ids> unfollows;
  std::vector<std::function<void()>> pending;
};

struct Fixture {
  FakeBroker broker;
  std::map<std::string, Ids> conversationsOf;
  std::map<std::string, Ids> membersOf;
  std::vector<std::function<void()>> offloaded;  // run by runOffloaded()
  std::vector<std::function<void()>> timers;     // fired by fireTimers()
  Ids caughtUp;
  Ids started;  // at their last seq
  Ids forgotten;
  ConversationFollows follows{
      broker,
      {.conversationsOf = [this](const std::string& u) { return conversationsOf[u]; },
       .membersOf = [this](const std::string& g) { return membersOf[g]; },
       .offload = [this](std::function<void()> work) { offloaded.push_back(std::move(work)); },
       .after = [this](std::chrono::milliseconds,
                       std::function<void()> fire) { timers.push_back(std::move(fire)); },
       .caughtUp = [this](const std::string& c) { caughtUp.push_back(c); },
       .startAtLastSeq = [this](const std::string& c) { started.push_back(c); },
       .forgotten = [this](const std::string& c) { forgotten.push_back(c); },
       .admitTimeout = std::chrono::milliseconds(2000)}};

  void runOffloaded() {
    auto due = std::move(offloaded);
    offloaded.clear();
    for (auto& work : due) work();
  }
  void fireTimers() {
    auto due = std::move(timers);
    timers.clear();
    for (auto& fire : due) fire();
  }
  // A connection of `user` admitted: its conversations read and their follow confirmed.
  std::shared_ptr<ConversationFollows::Ticket> admitted(const std::string& user) {
    int admitted = 0;
    auto ticket = connect(user, admitted);
    runOffloaded();
    broker.confirm();
    EXPECT_EQ(admitted, 1);
    return ticket;
  }
  // A connection of `user`; `admitted` counts the times it was let in.
  std::shared_ptr<ConversationFollows::Ticket> connect(const std::string& user, int& admitted) {
    return follows.admit(user, [&admitted] { ++admitted; });
  }
};

broker::Delivery messageOf(const std::string& conversation, std::int64_t seq, Ids users) {
  return broker::Delivery{.userIds = std::move(users),
                          .frame = std::make_shared<const std::string>("m"),
                          .exceptConnection = 0,
                          .sharedUserIds = nullptr,
                          .conversationId = conversation,
                          .seq = seq};
}

// A group's membership or settings changed (its frame for the members is beside the point).
broker::Delivery groupChanged(const std::string& groupId) {
  return broker::Delivery{.userIds = {},
                          .frame = std::make_shared<const std::string>("group-updated"),
                          .exceptConnection = 0,
                          .sharedUserIds = nullptr,
                          .conversationId = {},
                          .seq = 0,
                          .groupChanged = groupId};
}

TEST(ConversationFollowsTest, AFirstConnectionIsAdmittedOnceItsConversationsAreFollowed) {
  Fixture f;
  f.conversationsOf["u1"] = {"dm_a", "grp_g"};
  int admitted = 0;
  auto first = f.connect("u1", admitted);
  f.runOffloaded();
  EXPECT_EQ(admitted, 0) << "not before Redis confirms";
  EXPECT_EQ(f.broker.follows, (std::vector<Ids>{{"dm_a", "grp_g"}}));
  // Not followed here until now: whatever baseline the delivery order kept is stale.
  EXPECT_EQ(f.forgotten, (Ids{"dm_a", "grp_g"}));
  f.broker.confirm();
  EXPECT_EQ(admitted, 1);
  f.fireTimers();  // the timeout finds nobody waiting
  EXPECT_EQ(admitted, 1);
  int again = 0;
  auto second = f.connect("u1", again);
  EXPECT_EQ(again, 1) << "followed already: at once";
  EXPECT_TRUE(f.offloaded.empty());
}

TEST(ConversationFollowsTest, TheLastConnectionUnfollowsWhatNoOtherUserHereIsIn) {
  Fixture f;
  f.conversationsOf["u1"] = {"c1", "c2"};
  f.conversationsOf["u2"] = {"c2"};
  int admitted = 0;
  auto u1a = f.connect("u1", admitted);
  auto u1b = f.connect("u1", admitted);
  auto u2 = f.connect("u2", admitted);
  f.runOffloaded();
  f.broker.confirm();
  EXPECT_EQ(admitted, 3);
  EXPECT_EQ(f.forgotten, (Ids{"c1", "c2"})) << "c2 once: u2 found it followed";
  f.forgotten.clear();
  u1a.reset();
  EXPECT_TRUE(f.broker.unfollows.empty()) << "u1 still has a connection";
  u1b.reset();
  EXPECT_EQ(f.broker.unfollows, (std::vector<Ids>{{"c1"}})) << "u2 is still in c2";
  EXPECT_EQ(f.forgotten, (Ids{"c1"}));
  u2.reset();
  EXPECT_EQ(f.broker.unfollows, (std::vector<Ids>{{"c1"}, {"c2"}}));
}

TEST(ConversationFollowsTest, WithoutAConfirmationTheConnectionIsAdmittedAfterTheTimeout) {
  Fixture f;
  f.conversationsOf["u1"] = {"c1"};
  int admitted = 0;
  auto ticket = f.connect("u1", admitted);
  f.runOffloaded();
  f.fireTimers();  // Redis away: in anyway (its return closes every connection with 1012)
  EXPECT_EQ(admitted, 1);
  f.broker.confirm();
  EXPECT_EQ(admitted, 1) << "admitted once";
}

TEST(ConversationFollowsTest, AUserGoneBeforeTheirConversationsAreReadFollowsNothing) {
  Fixture f;
  f.conversationsOf["u1"] = {"c1"};
  int admitted = 0;
  f.connect("u1", admitted).reset();  // the handshake failed at once
  f.runOffloaded();
  EXPECT_TRUE(f.broker.follows.empty());
  EXPECT_TRUE(f.broker.unfollows.empty());
}

TEST(ConversationFollowsTest, AConversationsFirstMessageIsFollowedWhereAParticipantIsAndCaughtUp) {
  Fixture f;
  auto ticket = f.admitted("u1");
  f.follows.heard(messageOf("dm_new", 1, {"u1", "u9"}));  // u9 is not connected here
  EXPECT_EQ(f.broker.follows.back(), (Ids{"dm_new"}));
  f.broker.confirm();  // subscribed: what came between the first message and now is fetched
  f.runOffloaded();
  EXPECT_EQ(f.caughtUp, (Ids{"dm_new"}));
  const auto followsSoFar = f.broker.follows.size();
  f.follows.heard(messageOf("dm_new", 1, {"u1", "u9"}));  // its copy from another instance
  f.follows.heard(messageOf("dm_new", 2, {"u1", "u9"}));
  f.follows.heard(messageOf("dm_other", 1, {"u7", "u8"}));  // nobody here
  EXPECT_EQ(f.broker.follows.size(), followsSoFar);
  ticket.reset();
  EXPECT_EQ(f.broker.unfollows, (std::vector<Ids>{{"dm_new"}}));
}

TEST(ConversationFollowsTest, AGroupIsFollowedWhenAUserHereJoinsAndUnfollowedWhenTheyLeave) {
  Fixture f;
  auto ticket = f.admitted("u1");
  const auto changed = groupChanged("g");
  f.membersOf["g"] = {"u5", "u1"};
  f.follows.heard(changed);
  EXPECT_TRUE(f.follows.isFollowed("grp_g"));
  EXPECT_EQ(f.broker.follows.size(), 1u) << "not before its delivery order has a baseline";
  f.runOffloaded();
  EXPECT_EQ(f.started, (Ids{"grp_g"}));
  EXPECT_EQ(f.broker.follows.back(), (Ids{"grp_g"}));
  f.broker.confirm();  // subscribed: what was committed since the baseline is fetched
  f.runOffloaded();
  EXPECT_EQ(f.caughtUp, (Ids{"grp_g"}));
  f.follows.heard(changed);  // another change, u1 still in: nothing new
  f.runOffloaded();
  EXPECT_EQ(f.broker.follows.size(), 2u);
  f.membersOf["g"] = {"u5"};
  f.follows.heard(changed);
  EXPECT_EQ(f.broker.unfollows, (std::vector<Ids>{{"grp_g"}}));
  EXPECT_EQ(f.forgotten, (Ids{"grp_g"}));
  EXPECT_FALSE(f.follows.isFollowed("grp_g"));
  ticket.reset();
  EXPECT_EQ(f.broker.unfollows.size(), 1u) << "nothing left to unfollow";
}

// A user added and removed again before the group's baseline was read: nothing is followed.
TEST(ConversationFollowsTest, AGroupLeftBeforeItsFollowStartedIsNotFollowed) {
  Fixture f;
  auto ticket = f.admitted("u1");
  const auto changed = groupChanged("g");
  f.membersOf["g"] = {"u1"};
  f.follows.heard(changed);
  f.membersOf["g"] = {};
  f.follows.heard(changed);
  f.runOffloaded();
  EXPECT_EQ(f.broker.follows.size(), 1u) << "only the admission's";
  EXPECT_FALSE(f.follows.isFollowed("grp_g"));
}

// At exit, a connection still waiting for its admission holds its ticket in the waiting list:
// going with the follows, it releases the ticket (and unfollows) while they are still whole.
TEST(ConversationFollowsTest, ConnectionsStillWaitingAtExitReleaseTheirFollows) {
  FakeBroker broker;
  auto follows = std::make_unique<ConversationFollows>(
      broker,
      ConversationFollows::Options{.conversationsOf = [](const std::string&) { return Ids{"c1"}; },
                                   .membersOf = [](const std::string&) { return Ids{}; },
                                   .offload = [](std::function<void()> work) { work(); },
                                   .after = [](std::chrono::milliseconds, std::function<void()>) {},
                                   .caughtUp = nullptr,
                                   .startAtLastSeq = nullptr,
                                   .forgotten = nullptr,
                                   .admitTimeout = std::chrono::milliseconds(2000)});
  {
    // The waiting connection keeps its own ticket, as a session does.
    auto holder = std::make_shared<std::shared_ptr<ConversationFollows::Ticket>>();
    *holder = follows->admit("u1", [holder] { (void)holder; });
  }
  EXPECT_EQ(broker.follows, (std::vector<Ids>{{"c1"}}));
  follows.reset();
  EXPECT_EQ(broker.unfollows, (std::vector<Ids>{{"c1"}}));
}

}  // namespace
}  // namespace gc::chat
