// TURN REST credentials as coturn checks them (use-auth-secret): username "expiry:userId",
// credential base64(HMAC-SHA1(secret, username)); STUN URLs are always given.
#include "video/turn_credentials.hpp"

#include <gtest/gtest.h>

#include "core/digest.hpp"

namespace gc::video {
namespace {

TEST(TurnCredentials, MatchesAKnownVector) {
  // RFC 2104-style check of the primitive (Wikipedia's HMAC-SHA1 example) ...
  EXPECT_EQ(
      core::base64Encode(core::hmacSha1("key", "The quick brown fox jumps over the lazy dog")),
      "3nybhbi3iqa8ino29wqQcBydtNk=");
  // ... and of the credential (computed independently with Python's hmac module).
  const auto username = turnUsername(1700000000, "0123456789abcdef01234567");
  EXPECT_EQ(username, "1700000000:0123456789abcdef01234567");
  EXPECT_EQ(turnCredential("north-wind-secret", username), "orl/8y5l8Gjq+qwULem44s0mY/U=");
}

TEST(TurnCredentials, StunAlwaysTurnOnlyWhenConfiguredAndAtMostAnHour) {
  Options options;
  options.stunUrls = {"stun:127.0.0.1:3478"};
  auto servers = iceServersFor(options, "u1", 1000);
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_TRUE(servers[0].username.empty());
  EXPECT_EQ(encodeIceServers(servers), R"([{"urls":["stun:127.0.0.1:3478"]}])");

  options.turnSecret = "s3cret";
  options.turnUrls = {"turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"};
  options.turnTtlSeconds = 7200;  // clamped: a credential never lives more than an hour
  servers = iceServersFor(options, "u1", 1000);
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[1].username, "4600:u1");
  EXPECT_EQ(servers[1].credential, turnCredential("s3cret", "4600:u1"));
  EXPECT_EQ(encodeIceServers(servers),
            R"([{"urls":["stun:127.0.0.1:3478"]},{"urls":["turn:127.0.0.1:3478?transport=udp",)"
            R"("turn:127.0.0.1:3478?transport=tcp"],"username":"4600:u1","credential":")" +
                servers[1].credential + R"("}])");
}

TEST(TurnCredentials, NoServersAtAllIsAnEmptyList) {
  EXPECT_EQ(encodeIceServers(iceServersFor(Options{}, "u1", 0)), "[]");
}

}  // namespace
}  // namespace gc::video
