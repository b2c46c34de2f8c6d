#include "api/browser_origin.hpp"

#include <gtest/gtest.h>

namespace gc::api {
namespace {

TEST(ParseBrowserOrigin, AcceptsOriginsAndNormalizesThem) {
  EXPECT_EQ(parseBrowserOrigin("http://127.0.0.1:4000"), "http://127.0.0.1:4000");
  EXPECT_EQ(parseBrowserOrigin("HTTPS://Video.Example.COM/"), "https://video.example.com");
  EXPECT_EQ(parseBrowserOrigin("http://localhost"), "http://localhost");
  EXPECT_EQ(parseBrowserOrigin("http://[::1]:4000"), "http://[::1]:4000");
}

TEST(ParseBrowserOrigin, RefusesWhatIsNotAnOrigin) {
  for (const char* bad :
       {"", "127.0.0.1:4000", "ws://127.0.0.1:4000", "http://", "http://h:0", "http://h:65536",
        "http://h:4x", "http://h/path", "http://u@h", "http://h?q", "http://h:4000/a",
        "javascript://h", "http://h h", "http://h;script-src *", "http://[::1", "http://-h"}) {
    EXPECT_EQ(parseBrowserOrigin(bad), std::nullopt) << bad;
  }
}

TEST(ConnectSourcesFor, PairsTheOriginWithItsWebSocketScheme) {
  EXPECT_EQ(connectSourcesFor("http://127.0.0.1:4000"),
            "http://127.0.0.1:4000 ws://127.0.0.1:4000");
  EXPECT_EQ(connectSourcesFor("https://v.example.com"),
            "https://v.example.com wss://v.example.com");
}

}  // namespace
}  // namespace gc::api
