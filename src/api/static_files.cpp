#include "api/static_files.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "api/browser_origin.hpp"
#include "api/routes.hpp"

namespace gc::api {
namespace fs = std::filesystem;

namespace {

// Everything from this origin only (plus, for connect-src, the configured video service).
// `connect-src 'self'` covers ws:// and wss:// to this same host and port (CSP Level 3).
// Styles stay 'unsafe-inline': React and Framer Motion write style attributes.
constexpr std::string_view kCspStyleToFonts =
    "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'";
constexpr std::string_view kCspTail =
    "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Case-insensitive find of a lowercase ASCII needle.
std::size_t findNoCase(std::string_view hay, std::string_view needle, std::size_t from) {
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < needle.size() && same; ++j) {
      same = std::tolower(static_cast<unsigned char>(hay[i + j])) == needle[j];
    }
    if (same) return i;
  }
  return std::string_view::npos;
}

std::string etagOf(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(h));
  return "\"" + std::string(hex.data()) + "-" + std::to_string(bytes.size()) + "\"";
}

bool isHtml(const StaticFile& f) {
  return f.contentType.starts_with("text/html");
}

// Does `If-None-Match` (a list, or `*`) name this ETag? Weak comparison, as RFC 9110 asks.
bool etagMatches(std::string_view header, std::string_view etag) {
  if (header.empty()) return false;
  if (header == "*") return true;
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    auto end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    auto tag = header.substr(i, end - i);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    i = end;
  }
  return false;
}

bool isUnder(const fs::path& path, const fs::path& root) {
  const auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

std::string contentSecurityPolicyFor(std::string_view html, std::string_view connectSources) {
  // Each <script> without src: the hash of its text exactly as it stands between the tags
  // (script text is raw: no entities to decode), which is what the browser hashes.
  std::string policy = "default-src 'self'; script-src 'self'";
  std::size_t at = 0;
  while ((at = findNoCase(html, "<script", at)) != std::string_view::npos) {
    const auto close = html.find('>', at);
    if (close == std::string_view::npos) break;
    const auto tag = html.substr(at, close - at);
    const auto end = findNoCase(html, "</script", close + 1);
    if (end == std::string_view::npos) break;
    if (findNoCase(tag, " src=", 0) == std::string_view::npos) {
      const auto text = html.substr(close + 1, end - close - 1);
      unsigned char digest[SHA256_DIGEST_LENGTH];
      SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
      policy += " 'sha256-" + base64(digest, sizeof digest) + "'";
    }
    at = end + 1;
  }
  policy += kCspStyleToFonts;
  if (!connectSources.empty()) {
    policy += ' ';
    policy += connectSources;
  }
  return policy + std::string(kCspTail);
}

std::optional<std::string> normalizeUrlPath(std::string_view urlPath) {
  std::string out;
  std::size_t i = 0;
  while (i < urlPath.size()) {
    if (urlPath[i] == '/') {
      ++i;
      continue;
    }
    auto end = urlPath.find('/', i);
    if (end == std::string_view::npos) end = urlPath.size();
    const auto segment = urlPath.substr(i, end - i);
    if (segment.front() == '.') return std::nullopt;  // ".", "..", ".env", ".git"
    if (segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
      return std::nullopt;
    if (!out.empty()) out += '/';
    out += segment;
    i = end;
  }
  if (!out.empty() && urlPath.back() == '/') out += '/';
  return out;
}

std::string_view contentTypeFor(std::string_view fileName) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr std::array<Entry, 20> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
      {".mp3", "audio/mpeg"},
      {".ogg", "audio/ogg"},
  }};
  const auto dot = fileName.rfind('.');
  const auto slash = fileName.rfind('/');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    std::string ext(fileName.substr(dot));
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& e : kTypes) {
      if (e.ext == ext) return e.type;
    }
  }
  return "application/octet-stream";
}

StaticSite StaticSite::load(const fs::path& root, std::size_t maxBytes,
                            std::string_view connectSources) {
  if (!fs::is_directory(root)) throw std::invalid_argument(root.string() + " is not a directory");
  const auto canonicalRoot = fs::canonical(root);
  StaticSite site;
  // Directory symlinks are not followed; a file symlink counts only when it stays inside.
  for (auto it = fs::recursive_directory_iterator(canonicalRoot);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto rel = it->path().lexically_relative(canonicalRoot);
    const auto name = it->path().filename().string();
    if (name.starts_with('.')) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::error_code ec;
    const auto target = fs::canonical(it->path(), ec);
    if (ec || !isUnder(target, canonicalRoot)) {
      spdlog::warn("web root: skipping {} (it points outside the root)", rel.string());
      continue;
    }
    std::ifstream in(target, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw std::runtime_error("cannot read " + target.string());
    site.totalBytes_ += bytes.size();
    if (site.totalBytes_ > maxBytes)
      throw std::runtime_error("web root " + root.string() + " holds more than " +
                               std::to_string(maxBytes) + " bytes");
    auto key = rel.generic_string();
    StaticFile file{
        .body = {}, .contentType = std::string(contentTypeFor(key)), .etag = {}, .csp = {}};
    file.etag = etagOf(bytes);
    if (isHtml(file)) file.csp = contentSecurityPolicyFor(bytes, connectSources);
    file.body = std::move(bytes);
    site.files_.emplace(std::move(key), std::move(file));
  }
  return site;
}

const StaticFile* StaticSite::find(std::string_view urlPath) const {
  const auto key = normalizeUrlPath(urlPath);
  if (!key) return nullptr;
  auto lookup = [this](const std::string& k) -> const StaticFile* {
    const auto it = files_.find(k);
    return it == files_.end() ? nullptr : &it->second;
  };
  if (key->empty() || key->back() == '/') return lookup(*key + "index.html");
  if (const auto* f = lookup(*key)) return f;
  if (const auto* f = lookup(*key + ".html")) return f;
  return lookup(*key + "/index.html");
}

const StaticFile* StaticSite::notFoundPage() const {
  const auto it = files_.find("404.html");
  return it == files_.end() ? nullptr : &it->second;
}

Response serveStatic(const StaticSite& site, const Request& req) {
  const auto* file = site.find(req.path);
  int status = 200;
  if (!file) {
    file = site.notFoundPage();
    if (!file) return errorResponse(404, "not_found", "no such file");
    status = 404;
  }
  Response res{.status = status,
               .body = {},
               .contentType = file->contentType,
               .headers = {},
               .file = std::nullopt};
  const bool immutable = req.path.starts_with("/_next/static/");
  res.headers.emplace_back("Cache-Control",
                           immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.headers.emplace_back("ETag", file->etag);
  if (isHtml(*file)) {
    res.headers.emplace_back("Content-Security-Policy", file->csp);
    res.headers.emplace_back("X-Frame-Options", "DENY");
    res.headers.emplace_back("Referrer-Policy", "same-origin");
  }
  if (status == 200 && etagMatches(req.ifNoneMatch, file->etag)) {
    res.status = 304;
    res.contentType.clear();
    return res;
  }
  res.body = file->body;
  return res;
}

std::optional<fs::path> resolveWebRoot(const std::string& configured) {
  if (!configured.empty()) {
    if (!fs::is_directory(configured))
      throw std::invalid_argument("--web-root " + configured + " is not a directory");
    return fs::path(configured);
  }
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto candidate = exe.parent_path() / ".." / ".." / "web" / "out";
    if (fs::is_directory(candidate, ec)) return candidate.lexically_normal();
  }
  if (fs::is_directory("web/out", ec)) return fs::path("web/out");
  return std::nullopt;
}

void addWebRoutes(Router& router, App& app) {
  const auto root = resolveWebRoot(app.config.webRoot);
  if (!root) {
    spdlog::info("no web root (build web/ or pass --web-root): / is not served");
    return;
  }
  const auto connectSources =
      app.config.videoUrl.empty() ? std::string() : connectSourcesFor(app.config.videoUrl);
  auto site =
      std::make_shared<const StaticSite>(StaticSite::load(*root, kMaxWebRootBytes, connectSources));
  spdlog::info("serving the web client from {} ({} files, {} KiB)", root->string(),
               site->fileCount(), site->totalBytes() / 1024);
  router.setFallback([site](Request& req) -> boost::asio::awaitable<Response> {
    const std::string_view path = req.path;
    if (path == "/api" || path.starts_with("/api/") || path == "/ws" || path.starts_with("/ws/"))
      co_return errorResponse(404, "not_found", "no such route");
    if (req.method != "GET" && req.method != "HEAD") {
      auto r = errorResponse(405, "method_not_allowed", "only GET and HEAD serve files");
      r.headers.emplace_back("Allow", "GET, HEAD");
      co_return r;
    }
    co_return serveStatic(*site, req);
  });
}

}  // namespace gc::api
