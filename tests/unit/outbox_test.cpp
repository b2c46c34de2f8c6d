#include "hub/outbox.hpp"

#include <gtest/gtest.h>

namespace gc::hub {
namespace {

// Records what reaches it and how: one frame at a time, or as a batch.
class RecordingConnection final : public Connection {
 public:
  RecordingConnection() : Connection("u", "t") {}
  void send(broker::SharedFrame frame) override {
    frames.push_back(*frame);
    ++handOvers;
  }
  void sendBatch(std::vector<broker::SharedFrame> batch) override {
    for (auto& f : batch) frames.push_back(*f);
    ++handOvers;
  }
  void close(std::uint16_t, std::string) override {}
  std::vector<std::string> frames;
  int handOvers = 0;
};

broker::SharedFrame frame(const char* s) {
  return std::make_shared<const std::string>(s);
}

TEST(Outbox, WithoutAnOpenOutboxFramesGoStraightThrough) {
  auto c = std::make_shared<RecordingConnection>();
  Outbox::send(c, frame("a"));
  Outbox::send(c, frame("b"));
  EXPECT_EQ(c->frames, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->handOvers, 2);
}

TEST(Outbox, GathersPerConnectionInOrderAndHandsOverOnceWhenClosed) {
  auto a = std::make_shared<RecordingConnection>();
  auto b = std::make_shared<RecordingConnection>();
  {
    Outbox box;
    Outbox::send(a, frame("1"));
    Outbox::send(b, frame("x"));
    Outbox::send(a, frame("2"));
    Outbox::send(a, frame("3"));
    EXPECT_TRUE(a->frames.empty());  // nothing leaves before the batch ends
  }
  EXPECT_EQ(a->frames, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(a->handOvers, 1);
  EXPECT_EQ(b->frames, (std::vector<std::string>{"x"}));
  Outbox::send(a, frame("after"));  // closed: direct again
  EXPECT_EQ(a->handOvers, 2);
}

}  // namespace
}  // namespace gc::hub
