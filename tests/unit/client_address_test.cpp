#include "api/client_address.hpp"

#include <gtest/gtest.h>

namespace gc::api {
namespace {

const std::vector<std::string> kNoProxies;
const std::vector<std::string> kProxy{"10.0.0.2"};

TEST(ClientAddress, IsThePeerWhenNoProxyIsTrusted) {
  EXPECT_EQ(clientAddress("192.0.2.7", "", kNoProxies), "192.0.2.7");
  // A client cannot choose its own address by sending the header.
  EXPECT_EQ(clientAddress("192.0.2.7", "203.0.113.9", kNoProxies), "192.0.2.7");
  EXPECT_EQ(clientAddress("192.0.2.7", "203.0.113.9", kProxy), "192.0.2.7");
}

TEST(ClientAddress, ATrustedProxyNamesTheClient) {
  EXPECT_EQ(clientAddress("10.0.0.2", "203.0.113.9", kProxy), "203.0.113.9");
  // What the client itself put in front of the proxy's entry is not believed.
  EXPECT_EQ(clientAddress("10.0.0.2", "1.1.1.1, 203.0.113.9", kProxy), "203.0.113.9");
  // Chained trusted proxies are walked past.
  const std::vector<std::string> two{"10.0.0.2", "10.0.0.3"};
  EXPECT_EQ(clientAddress("10.0.0.2", "1.1.1.1, 203.0.113.9,10.0.0.3", two), "203.0.113.9");
  // Garbage before our proxy's entry: the last hop we trust is all we know.
  EXPECT_EQ(clientAddress("10.0.0.2", "not-an-ip", kProxy), "10.0.0.2");
  EXPECT_EQ(clientAddress("10.0.0.2", "", kProxy), "10.0.0.2");
}

TEST(ClientAddress, CanonicalForms) {
  EXPECT_EQ(clientAddress("::ffff:192.0.2.7", "", kNoProxies), "192.0.2.7");
  EXPECT_EQ(clientAddress("2001:DB8::1", "", kNoProxies), "2001:db8::1");
  EXPECT_TRUE(isIpAddress("::1"));
  EXPECT_TRUE(isIpAddress("127.0.0.1"));
  EXPECT_FALSE(isIpAddress("localhost"));
  EXPECT_FALSE(isIpAddress("10.0.0.0/8"));
}

TEST(RateLimitKey, IPv6IsLimitedPerSlash64) {
  EXPECT_EQ(rateLimitKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(rateLimitKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(rateLimitKey("2001:db8:1:2:bbbb::9"), rateLimitKey("2001:db8:1:2:aaaa::1"));
  EXPECT_NE(rateLimitKey("2001:db8:1:3::1"), rateLimitKey("2001:db8:1:2::1"));
}

}  // namespace
}  // namespace gc::api
