#include "api/router.hpp"

#include <gtest/gtest.h>

namespace gc::api {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response::noContent(); };
}

Router sample() {
  Router r;
  r.add("GET", "/api/conversations", Access::Authenticated, noop());
  r.add("GET", "/api/conversations/:cid/messages", Access::Authenticated, noop());
  r.add("POST", "/api/conversations/:cid/messages", Access::Authenticated, noop());
  r.add("GET", "/healthz", Access::Public, noop());
  return r;
}

TEST(Router, MatchesStaticAndParameterisedPaths) {
  const auto r = sample();
  auto m = r.match("GET", "/api/conversations");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.access, Access::Authenticated);
  m = r.match("POST", "/api/conversations/dm_a_b/messages");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.params.at("cid"), "dm_a_b");
  EXPECT_EQ(r.match("GET", "/healthz").access, Access::Public);
}

TEST(Router, UnknownPathHasNoHandlerAndNoMethods) {
  const auto m = sample().match("GET", "/api/nothing");
  EXPECT_FALSE(m.handler);
  EXPECT_TRUE(m.allowedMethods.empty());
  EXPECT_FALSE(sample().match("GET", "/api/conversations/x").handler);
  EXPECT_FALSE(sample().match("GET", "/api/conversations/x/messages/y").handler);
}

TEST(Router, KnownPathWithOtherMethodListsAllowedMethods) {
  const auto m = sample().match("DELETE", "/api/conversations/x/messages");
  EXPECT_FALSE(m.handler);
  EXPECT_EQ(m.allowedMethods, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, TrailingSlashIsADifferentPath) {
  EXPECT_FALSE(sample().match("GET", "/healthz/").handler);
}

TEST(SplitPath, IgnoresEmptySegments) {
  EXPECT_EQ(splitPath("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(splitPath("/").empty());
}

}  // namespace
}  // namespace gc::api
