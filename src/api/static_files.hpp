#pragma once
// The built web client (Next.js static export) served at `/`.
//
// Every regular file under the web root is read into memory once, at start-up, on the main
// thread: the export is a few MiB, so a request never touches the disk and never blocks a
// network thread. A rebuild of the web client is picked up by restarting the server.
// Files reached through a symlink that points outside the root, and hidden files, are never
// loaded, so no request path can name them.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.hpp"

namespace gc::api {

// A wrong --web-root (a home directory) fails at start-up instead of filling the memory.
inline constexpr std::size_t kMaxWebRootBytes = std::size_t{256} << 20;

struct StaticFile {
  std::string body;
  std::string contentType;
  std::string etag;  // strong, quoted: a hash of the bytes
  std::string csp;   // HTML only: the Content-Security-Policy, with its inline scripts' hashes
};

// The policy for one HTML page: this origin only, and of inline scripts exactly the ones the
// page holds ('sha256-…' of each), so an injected script cannot run. `connectSources` widen
// connect-src (the video service's origin, api/browser_origin.hpp), nothing else.
std::string contentSecurityPolicyFor(std::string_view html, std::string_view connectSources = {});

// The decoded URL path as a key relative to the root ("" for "/", "a/b/" keeps its slash),
// or nullopt when it is not a path we serve: a "." or ".." segment, a hidden segment, a
// backslash or a NUL. Empty segments ("a//b") collapse.
std::optional<std::string> normalizeUrlPath(std::string_view urlPath);

// "text/html; charset=utf-8" and friends, by extension; application/octet-stream otherwise.
std::string_view contentTypeFor(std::string_view fileName);

class StaticSite {
 public:
  // Loads every servable file under `root`; throws when it is not a directory or holds more
  // than `maxBytes` in total.
  // `connectSources` go into every page's CSP (contentSecurityPolicyFor).
  static StaticSite load(const std::filesystem::path& root, std::size_t maxBytes = kMaxWebRootBytes,
                         std::string_view connectSources = {});

  // The file a decoded URL path names: the path itself, `path.html` (Next's export of a
  // route), or `path/index.html`; "/" and "dir/" name their index.html.
  const StaticFile* find(std::string_view urlPath) const;
  // Next's 404.html, when the export has one.
  const StaticFile* notFoundPage() const;

  std::size_t fileCount() const { return files_.size(); }
  std::size_t totalBytes() const { return totalBytes_; }

 private:
  std::unordered_map<std::string, StaticFile> files_;  // key: path relative to the root
  std::size_t totalBytes_ = 0;
};

// GET/HEAD of a non-API path: the file with its caching and security headers, a 304 when
// `If-None-Match` names its ETag, or the export's 404 page.
Response serveStatic(const StaticSite& site, const Request& req);

// The web root to serve: `configured` when set (it must exist), else the checkout's `web/out`
// next to the binary (`<exe>/../../web/out`) or under the working directory, when it exists.
std::optional<std::filesystem::path> resolveWebRoot(const std::string& configured);

}  // namespace gc::api
