// Who a Delivery reaches: its listed users and its shared user list, every connection of
// each, but the one it came from.
#include "hub/hub.hpp"

#include <gtest/gtest.h>

namespace gc::hub {
namespace {

class RecordingConnection final : public Connection {
 public:
  explicit RecordingConnection(const std::string& user) : Connection(user, "t") {}
  void send(broker::SharedFrame frame) override { frames.push_back(*frame); }
  void close(std::uint16_t, std::string) override {}
  std::vector<std::string> frames;
};

TEST(Hub, DeliversToListedAndSharedUsersButNotTheOriginConnection) {
  Hub hub;
  auto alice = std::make_shared<RecordingConnection>("alice");
  auto alice2 = std::make_shared<RecordingConnection>("alice");
  auto bob = std::make_shared<RecordingConnection>("bob");
  auto carol = std::make_shared<RecordingConnection>("carol");
  auto dave = std::make_shared<RecordingConnection>("dave");
  for (const auto& c : {alice, alice2, bob, carol, dave}) hub.attach(c);
  const auto members = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"alice", "bob", "nobody-online"});
  hub.deliver(broker::Delivery{.userIds = {"carol"},
                               .frame = std::make_shared<const std::string>("m"),
                               .exceptConnection = alice->id(),
                               .sharedUserIds = members});
  EXPECT_TRUE(alice->frames.empty());  // the sender's own connection has its ack
  EXPECT_EQ(alice2->frames, std::vector<std::string>{"m"});
  EXPECT_EQ(bob->frames, std::vector<std::string>{"m"});
  EXPECT_EQ(carol->frames, std::vector<std::string>{"m"});
  EXPECT_TRUE(dave->frames.empty());
  EXPECT_EQ(members.use_count(), 1);  // the hub keeps no reference
}

TEST(Hub, TheOriginConnectionGetsTheOriginFrameAndAFramelessDeliveryOnlyThat) {
  Hub hub;
  auto alice = std::make_shared<RecordingConnection>("alice");
  auto alice2 = std::make_shared<RecordingConnection>("alice");
  auto bob = std::make_shared<RecordingConnection>("bob");
  for (const auto& c : {alice, alice2, bob}) hub.attach(c);
  broker::Delivery d{.userIds = {"alice", "bob"},
                     .frame = std::make_shared<const std::string>("m"),
                     .exceptConnection = alice->id()};
  d.originFrame = std::make_shared<const std::string>("ack");
  hub.deliver(d);  // the ack in the same hand-over as everybody's message (scale-out)
  EXPECT_EQ(alice->frames, std::vector<std::string>{"ack"});
  EXPECT_EQ(alice2->frames, std::vector<std::string>{"m"});
  EXPECT_EQ(bob->frames, std::vector<std::string>{"m"});
  d.frame = nullptr;  // a late ack alone (chat/delivery_order.cpp)
  hub.deliver(d);
  EXPECT_EQ(alice->frames, (std::vector<std::string>{"ack", "ack"}));
  EXPECT_EQ(alice2->frames, std::vector<std::string>{"m"});
  EXPECT_EQ(bob->frames, std::vector<std::string>{"m"});
}

}  // namespace
}  // namespace gc::hub
