#include "api/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace gc::api {
namespace {
namespace fs = std::filesystem;

TEST(NormalizeUrlPath, KeepsPlainPathsAndTheirTrailingSlash) {
  EXPECT_EQ(normalizeUrlPath("/"), "");
  EXPECT_EQ(normalizeUrlPath(""), "");
  EXPECT_EQ(normalizeUrlPath("/index.html"), "index.html");
  EXPECT_EQ(normalizeUrlPath("/_next/static/chunks/a.js"), "_next/static/chunks/a.js");
  EXPECT_EQ(normalizeUrlPath("/login/"), "login/");
  EXPECT_EQ(normalizeUrlPath("//a///b"), "a/b");
}

TEST(NormalizeUrlPath, RefusesEveryWayOut) {
  for (const char* p : {"/..", "/../etc/passwd", "/a/../../b", "/a/./b", "/.", "/.env",
                        "/.git/config", "/a/.hidden/x", "/a\\..\\b"}) {
    EXPECT_EQ(normalizeUrlPath(p), std::nullopt) << p;
  }
  EXPECT_EQ(normalizeUrlPath(std::string_view("/a\0b", 4)), std::nullopt);
}

TEST(ContentTypeFor, KnowsTheExportsTypes) {
  EXPECT_EQ(contentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(contentTypeFor("_next/static/chunks/x.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(contentTypeFor("logo.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("index.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(contentTypeFor("v1.2/blob"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("noext"), "application/octet-stream");
}

TEST(ContentSecurityPolicyFor, AllowsExactlyThePagesInlineScripts) {
  const auto csp = contentSecurityPolicyFor(
      "<html><script src=\"/_next/a.js\" async></script><SCRIPT id=\"x\">console.log(1)</script>"
      "<script>self.__next_f.push([1])</script></html>");
  // base64(sha256("console.log(1)"))
  EXPECT_NE(csp.find("'sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M='"), std::string::npos)
      << csp;
  EXPECT_TRUE(csp.starts_with("default-src 'self'; script-src 'self' 'sha256-")) << csp;
  const auto scriptSrc = csp.substr(0, csp.find(';', csp.find("script-src")));
  EXPECT_EQ(scriptSrc.find("unsafe-inline"), std::string::npos) << scriptSrc;
  std::size_t hashes = 0;
  for (std::size_t at = 0; (at = csp.find("'sha256-", at)) != std::string::npos; ++at) ++hashes;
  EXPECT_EQ(hashes, 2u);  // the src script is not hashed
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST(ContentSecurityPolicyFor, WidensOnlyConnectSrcForTheVideoService) {
  const auto csp =
      contentSecurityPolicyFor("<html></html>", "http://127.0.0.1:4000 ws://127.0.0.1:4000");
  EXPECT_NE(csp.find("connect-src 'self' http://127.0.0.1:4000 ws://127.0.0.1:4000;"),
            std::string::npos)
      << csp;
  // Only connect-src names it: nothing before the directive, nothing after its end.
  const auto connect = csp.find("connect-src");
  EXPECT_GT(csp.find("127.0.0.1"), connect) << csp;
  EXPECT_EQ(csp.find("127.0.0.1", csp.find(';', connect)), std::string::npos) << csp;
  EXPECT_TRUE(csp.starts_with("default-src 'self';")) << csp;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gc-static-XXXXXX";
    base_ = fs::path(::mkdtemp(tmpl));
    root_ = base_ / "out";
    fs::create_directories(root_ / "login");
    fs::create_directories(root_ / "_next" / "static");
    write(root_ / "index.html", "<p>home</p>");
    write(root_ / "login" / "index.html", "<p>login</p>");
    write(root_ / "about.html", "<p>about</p>");
    write(root_ / "404.html", "<p>missing</p>");
    write(root_ / "_next" / "static" / "app.js", "console.log(1)");
    write(root_ / ".env", "SECRET=1");
    write(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "escape.txt");
    fs::create_directory_symlink(base_, root_ / "up");
    fs::create_symlink(root_ / "about.html", root_ / "alias.html");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, std::string_view text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  fs::path base_, root_;
};

TEST_F(StaticSiteTest, MapsUrlsToIndexAndHtmlFiles) {
  const auto site = StaticSite::load(root_);
  ASSERT_TRUE(site.find("/"));
  EXPECT_EQ(site.find("/")->body, "<p>home</p>");
  EXPECT_EQ(site.find("/login/")->body, "<p>login</p>");
  EXPECT_EQ(site.find("/login")->body, "<p>login</p>");
  EXPECT_EQ(site.find("/about")->body, "<p>about</p>");
  EXPECT_EQ(site.find("/about.html")->body, "<p>about</p>");
  EXPECT_EQ(site.find("/_next/static/app.js")->contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(site.find("/nope"), nullptr);
  EXPECT_EQ(site.notFoundPage()->body, "<p>missing</p>");
}

TEST_F(StaticSiteTest, NeverServesHiddenFilesOrSymlinksOut) {
  const auto site = StaticSite::load(root_);
  EXPECT_EQ(site.find("/.env"), nullptr);
  EXPECT_EQ(site.find("/escape.txt"), nullptr);
  EXPECT_EQ(site.find("/up/secret.txt"), nullptr);
  EXPECT_EQ(site.find("/up/out/index.html"), nullptr);
  EXPECT_EQ(site.find("/../secret.txt"), nullptr);
  ASSERT_TRUE(site.find("/alias.html"));  // a symlink that stays inside is fine
  EXPECT_EQ(site.fileCount(), 6u);
}

TEST_F(StaticSiteTest, RefusesARootOverTheSizeCap) {
  EXPECT_THROW(StaticSite::load(root_, 10), std::runtime_error);
  EXPECT_THROW(StaticSite::load(base_ / "missing"), std::invalid_argument);
}

TEST_F(StaticSiteTest, ServesWithCachingAndSecurityHeaders) {
  const auto site = StaticSite::load(root_);
  auto header = [](const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  Request req;
  req.method = "GET";
  req.path = "/";
  auto res = serveStatic(site, req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header(res, "Cache-Control"), "no-cache");
  EXPECT_NE(header(res, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  const auto etag = header(res, "ETag");
  ASSERT_FALSE(etag.empty());

  req.ifNoneMatch = "\"other\", " + etag;
  res = serveStatic(site, req);
  EXPECT_EQ(res.status, 304);
  EXPECT_TRUE(res.body.empty());

  req = Request{};
  req.path = "/_next/static/app.js";
  res = serveStatic(site, req);
  EXPECT_EQ(header(res, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_TRUE(header(res, "Content-Security-Policy").empty());

  req.path = "/no/such/page";
  res = serveStatic(site, req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "<p>missing</p>");
}

}  // namespace
}  // namespace gc::api
