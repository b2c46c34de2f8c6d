#include "ws/keepalive.hpp"

#include <gtest/gtest.h>

namespace gc::ws {
namespace {

using std::chrono::milliseconds;

TEST(WsKeepAlive, QuietForHalfTheTimeoutIsPinged) {
  const milliseconds timeout(2000);
  EXPECT_EQ(idleAction(milliseconds(0), timeout, false), IdleAction::None);
  EXPECT_EQ(idleAction(milliseconds(999), timeout, false), IdleAction::None);
  EXPECT_EQ(idleAction(milliseconds(1000), timeout, false), IdleAction::Ping);
  EXPECT_EQ(idleAction(milliseconds(1999), timeout, false), IdleAction::Ping);
}

TEST(WsKeepAlive, PingedAndQuietForTheTimeoutIsDropped) {
  const milliseconds timeout(2000);
  EXPECT_EQ(idleAction(milliseconds(1500), timeout, true), IdleAction::None);  // waits for a pong
  EXPECT_EQ(idleAction(milliseconds(2000), timeout, true), IdleAction::Drop);
}

TEST(WsKeepAlive, NeverDroppedWithoutAPingFirst) {
  // A late sweep finds it quiet for longer than the timeout: it still gets its ping.
  EXPECT_EQ(idleAction(milliseconds(5000), milliseconds(2000), false), IdleAction::Ping);
}

}  // namespace
}  // namespace gc::ws
