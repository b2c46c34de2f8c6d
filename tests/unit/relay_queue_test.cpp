// A session's relays that wait for a lookup go out in arrival order whatever order their
// lookups answer in, within bounds, and nothing of a cleared (closed) session goes out.
#include "video/relay_queue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gc::video {
namespace {

using Clock = RelayQueue::Clock;

broker::SharedFrame frame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

RelayTargets found() {
  return {.outcome = RelayTargets::Outcome::Found, .connections = {}};
}

std::vector<std::string> texts(const std::vector<RelayQueue::Relay>& relays) {
  std::vector<std::string> out;
  out.reserve(relays.size());
  for (const auto& r : relays) out.push_back(*r.frame);
  return out;
}

TEST(RelayQueueTest, RelaysGoOutInArrivalOrderWhateverOrderTheirLookupsAnswerIn) {
  RelayQueue queue({});
  EXPECT_TRUE(queue.empty());
  const auto offer = queue.push(frame("offer"), Clock::now());
  const auto ice1 = queue.push(frame("ice1"), Clock::now());
  const auto ice2 = queue.push(frame("ice2"), Clock::now());
  ASSERT_TRUE(offer && ice1 && ice2);
  // The candidates' lookups answer first: they wait behind the offer.
  EXPECT_TRUE(queue.answer(*ice2, found()).empty());
  EXPECT_TRUE(queue.answer(*ice1, found()).empty());
  EXPECT_EQ(queue.size(), 3u);
  const auto ready =
      queue.answer(*offer, {.outcome = RelayTargets::Outcome::NotFound, .connections = {}});
  EXPECT_EQ(texts(ready), (std::vector<std::string>{"offer", "ice1", "ice2"}));
  EXPECT_EQ(ready[0].targets.outcome, RelayTargets::Outcome::NotFound);
  EXPECT_EQ(ready[1].targets.outcome, RelayTargets::Outcome::Found);
  EXPECT_TRUE(queue.empty());
  // Answered in order, each goes out at once.
  const auto next = queue.push(frame("answer"), Clock::now());
  EXPECT_EQ(texts(queue.answer(*next, found())), (std::vector<std::string>{"answer"}));
}

TEST(RelayQueueTest, OnlyTheAnsweredPrefixGoesOut) {
  RelayQueue queue({});
  const auto first = queue.push(frame("1"), Clock::now());
  const auto second = queue.push(frame("2"), Clock::now());
  const auto third = queue.push(frame("3"), Clock::now());
  EXPECT_EQ(texts(queue.answer(*first, found())), (std::vector<std::string>{"1"}));
  EXPECT_TRUE(queue.answer(*third, found()).empty());
  EXPECT_EQ(texts(queue.answer(*second, found())), (std::vector<std::string>{"2", "3"}));
}

TEST(RelayQueueTest, BoundedInRelaysAndInBytes) {
  RelayQueue byCount({.relays = 2, .bytes = 1000});
  const auto first = byCount.push(frame("a"), Clock::now());
  EXPECT_TRUE(byCount.push(frame("b"), Clock::now()));
  EXPECT_FALSE(byCount.push(frame("c"), Clock::now()));
  byCount.answer(*first, found());  // one out: room for one more
  EXPECT_TRUE(byCount.push(frame("c"), Clock::now()));

  RelayQueue byBytes({.relays = 100, .bytes = 10});
  const auto big = byBytes.push(frame("12345678"), Clock::now());
  ASSERT_TRUE(big);
  EXPECT_FALSE(byBytes.push(frame("123"), Clock::now()));
  EXPECT_TRUE(byBytes.push(frame("12"), Clock::now()));
  byBytes.answer(*big, found());
  EXPECT_TRUE(byBytes.push(frame("12345678"), Clock::now()));
}

TEST(RelayQueueTest, AnswersForClearedRelaysGiveNothing) {
  RelayQueue queue({});
  const auto old = queue.push(frame("before the close"), Clock::now());
  queue.clear();
  EXPECT_TRUE(queue.empty());
  const auto fresh = queue.push(frame("after"), Clock::now());
  EXPECT_TRUE(queue.answer(*old, found()).empty());
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(texts(queue.answer(*fresh, found())), (std::vector<std::string>{"after"}));
  EXPECT_TRUE(queue.answer(*fresh, found()).empty());  // once
}

}  // namespace
}  // namespace gc::video
