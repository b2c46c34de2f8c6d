// DeliveryOrder: each conversation's messages go out in seq order, once; a message ahead of a
// gap waits for the missing one, and a gap still open when its timer fires is filled from the
// store (the `missed` callback); anything that is not a message passes straight through.
#include "chat/delivery_order.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gc::chat {
namespace {

broker::Delivery message(const std::string& conversation, std::int64_t seq) {
  return broker::Delivery{.userIds = {"u1"},
                          .frame = std::make_shared<const std::string>(std::to_string(seq)),
                          .exceptConnection = 0,
                          .sharedUserIds = nullptr,
                          .conversationId = conversation,
                          .seq = seq};
}

struct Recorder {
  std::vector<std::string> delivered;  // "conversation:seq" (seq 0: the frame)
  std::vector<std::string> asked;      // "conversation after..before"
  bool storeDown = false;
  std::int64_t storeLast = 100;  // the last seq the store has of every conversation
  bool ownSendPending = false;   // a send of this instance is committing in every conversation
  std::vector<std::function<void()>> timers;  // fills waiting for their time

  // The gaps' wait is over.
  void fireTimers() {
    auto due = std::move(timers);
    timers.clear();
    for (auto& fire : due) fire();
  }

  DeliveryOrder order() {
    return DeliveryOrder(
        [this](const broker::Delivery& d) {
          if (!d.frame) {  // the sender's ack alone
            delivered.push_back("ack " + *d.originFrame);
            return;
          }
          delivered.push_back(d.conversationId + ":" + (d.seq ? std::to_string(d.seq) : *d.frame));
        },
        [this](const std::string& c, std::int64_t after, std::int64_t before) {
          asked.push_back(c + " " + std::to_string(after) + ".." + std::to_string(before));
          if (storeDown) throw std::runtime_error("store unavailable");
          std::vector<broker::Delivery> out;
          for (auto s = after + 1; s < before && s <= storeLast; ++s) out.push_back(message(c, s));
          return out;
        },
        [this](std::chrono::milliseconds, std::function<void()> fire) {
          timers.push_back(std::move(fire));
        },
        {.wait = std::chrono::milliseconds(25),
         .capacity = 1000,
         .ownSendPending = [this](const std::string&) { return ownSendPending; },
         .maxDeferrals = 2});
  }
};

TEST(DeliveryOrderTest, MessagesInOrderGoOutOnceAndLateCopiesAreDropped) {
  Recorder r;
  auto order = r.order();
  order(message("c", 1));
  order(message("c", 2));
  order(message("c", 2));  // published twice (a retry): already out
  order(message("c", 3));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:2", "c:3"}));
  EXPECT_TRUE(r.asked.empty());
}

TEST(DeliveryOrderTest, AMessageAheadOfAGapWaitsForTheMissingOneAndGoesOutAfterIt) {
  Recorder r;
  auto order = r.order();
  order(message("c", 3));  // the first seen: the baseline
  order(message("c", 5));  // 4 was committed on another instance, its publish is on the way
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3"}));
  order(message("c", 4));  // …here it is: both go, in order
  order(message("c", 6));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3", "c:4", "c:5", "c:6"}));
  r.fireTimers();  // the fill finds the gap closed: no store read
  EXPECT_TRUE(r.asked.empty());
}

TEST(DeliveryOrderTest, AGapStillOpenAfterTheWaitIsFilledFromTheStore) {
  Recorder r;
  auto order = r.order();
  order(message("c", 3));
  order(message("c", 6));  // 4 and 5 were lost (pub/sub is at-most-once)
  order(message("c", 7));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3"}));
  r.fireTimers();
  EXPECT_EQ(r.asked, (std::vector<std::string>{"c 3..6"}));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3", "c:4", "c:5", "c:6", "c:7"}));
  order(message("c", 5));  // a late copy: out already
  EXPECT_EQ(r.delivered.size(), 5u);
}

TEST(DeliveryOrderTest, AMessageFilledFromTheStoreFirstStillGetsItsSenderTheAck) {
  Recorder r;
  auto order = r.order();
  order(message("c", 1));
  order(message("c", 3));  // another instance's 3 came before this instance's own 2…
  r.fireTimers();          // …and 2 was filled from the store
  auto own = message("c", 2);
  own.originFrame = std::make_shared<const std::string>("2");
  order(own);  // only its ack is left to send
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:2", "c:3", "ack 2"}));
}

TEST(DeliveryOrderTest, AGapIsNotFilledWhileASendOfOursIsCommittingItsDeliveryComesInOrder) {
  Recorder r;
  r.ownSendPending = true;
  auto order = r.order();
  order(message("c", 3));
  order(message("c", 5));  // the other instance's 5 came before our own 4 was published
  r.fireTimers();          // 4 may be ours: no fill yet
  EXPECT_TRUE(r.asked.empty());
  auto ours = message("c", 4);
  ours.originFrame = std::make_shared<const std::string>("4");
  order(ours);  // our delivery, with its sender's ack inside: in order, no late ack
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3", "c:4", "c:5"}));
  r.fireTimers();
  EXPECT_TRUE(r.asked.empty());
}

TEST(DeliveryOrderTest, AGapIsFilledAfterAFewWaitsEvenWithASendOfOursCommitting) {
  Recorder r;
  r.ownSendPending = true;  // ours is a later message, or never comes: the wait is bounded
  auto order = r.order();
  order(message("c", 3));
  order(message("c", 5));
  r.fireTimers();  // deferred once
  r.fireTimers();  // twice (maxDeferrals)
  EXPECT_TRUE(r.asked.empty());
  r.fireTimers();
  EXPECT_EQ(r.asked, (std::vector<std::string>{"c 3..5"}));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:3", "c:4", "c:5"}));
}

TEST(DeliveryOrderTest, ConversationsKeepTheirOwnOrderAndOtherEventsPassThrough) {
  Recorder r;
  auto order = r.order();
  order(message("a", 10));
  order(message("b", 1));
  broker::Delivery presence{.userIds = {"u1"},
                            .frame = std::make_shared<const std::string>("presence"),
                            .exceptConnection = 0};
  order(presence);
  order(presence);  // not a message: no seq, no dedupe
  order(message("a", 11));
  order(message("b", 2));
  EXPECT_EQ(r.delivered,
            (std::vector<std::string>{"a:10", "b:1", ":presence", ":presence", "a:11", "b:2"}));
  EXPECT_TRUE(r.asked.empty());
}

TEST(DeliveryOrderTest, WithTheStoreDownTheWaitingMessagesStillGoOut) {
  Recorder r;
  r.storeDown = true;
  auto order = r.order();
  order(message("c", 1));
  order(message("c", 4));
  r.fireTimers();
  EXPECT_EQ(r.asked, (std::vector<std::string>{"c 1..4"}));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:4"}));  // 2 and 3: resync's
}

TEST(DeliveryOrderTest, ResetSendsWhatWaitedAndForgetsTheBaselines) {
  Recorder r;
  auto order = r.order();
  order(message("c", 1));
  order(message("c", 3));
  order.reset();  // a broker outage: the clients resync, nothing to fill
  order(message("c", 9));
  r.fireTimers();
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:3", "c:9"}));
  EXPECT_TRUE(r.asked.empty());
}

// A conversation followed late (its channel subscribed after its first message set the
// baseline): what was committed up to the last seq read once subscribed is fetched when the
// wait is over, and nothing past it (this instance's own sends after it are its own to
// deliver, acks included); late copies are dropped and the conversation goes on from there.
TEST(DeliveryOrderTest, CatchUpFetchesWhatWasCommittedUpToTheLastSeqOnceSubscribed) {
  Recorder r;
  r.storeLast = 10;  // 4..10: sends of ours still on their way to their own delivery
  auto order = r.order();
  order(message("c", 1));
  order.catchUp("c", 3);
  order.catchUp("c", 3);  // one fill, however often it is asked
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1"}));
  r.fireTimers();
  EXPECT_EQ(r.asked, (std::vector<std::string>{"c 1..4"}));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:2", "c:3"}));
  order(message("c", 3));  // its own delivery, late: out already
  order(message("c", 4));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:2", "c:3", "c:4"}));
  order.catchUp("c", 4);        // heard it all already
  order.catchUp("unknown", 5);  // no baseline: the clients' resync covers it
  EXPECT_TRUE(r.timers.empty());
  EXPECT_EQ(r.asked.size(), 1u);
}

// A group joined here: its delivery order starts at the store's last seq before its channel
// is subscribed, so the catch-up once subscribed fills from there; a baseline already past
// it (this instance's own messages) stays.
TEST(DeliveryOrderTest, StartAtGivesAJoinedGroupABaselineToCatchUpFrom) {
  Recorder r;
  auto order = r.order();
  order.startAt("g", 5);
  order.catchUp("g", 7);  // 6 and 7 were committed before the subscription held
  r.fireTimers();
  EXPECT_EQ(r.asked, (std::vector<std::string>{"g 5..8"}));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"g:6", "g:7"}));
  order(message("g", 5));  // history: not delivered
  order(message("g", 8));
  order.startAt("g", 3);  // behind what went out: nothing changes
  order(message("g", 9));
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"g:6", "g:7", "g:8", "g:9"}));
}

// Nobody here follows the conversation any more: what waited goes out, and the next message
// heard (after a later follow) is a new baseline, not a gap to fill from the old one.
TEST(DeliveryOrderTest, ForgetDropsTheBaseline) {
  Recorder r;
  auto order = r.order();
  order(message("c", 1));
  order(message("c", 3));  // waits for 2
  order.forget("c");
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:3"}));
  order(message("c", 9));
  r.fireTimers();
  EXPECT_EQ(r.delivered, (std::vector<std::string>{"c:1", "c:3", "c:9"}));
  EXPECT_TRUE(r.asked.empty());
}

}  // namespace
}  // namespace gc::chat
