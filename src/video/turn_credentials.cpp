#include "video/turn_credentials.hpp"

#include <algorithm>

#include "core/digest.hpp"
#include "core/json_string.hpp"

namespace gc::video {

namespace {
constexpr int kMaxTurnTtlSeconds = 3600;
}

std::string turnUsername(std::int64_t expiresAtSec, std::string_view userId) {
  return std::to_string(expiresAtSec) + ":" + std::string(userId);
}

std::string turnCredential(std::string_view secret, std::string_view username) {
  return core::base64Encode(core::hmacSha1(secret, username));
}

std::vector<IceServer> iceServersFor(const Options& options, std::string_view userId,
                                     std::int64_t nowSec) {
  std::vector<IceServer> servers;
  if (!options.stunUrls.empty()) {
    servers.push_back({.urls = options.stunUrls, .username = {}, .credential = {}});
  }
  if (!options.turnSecret.empty() && !options.turnUrls.empty()) {
    const int ttl = std::clamp(options.turnTtlSeconds, 1, kMaxTurnTtlSeconds);
    auto username = turnUsername(nowSec + ttl, userId);
    auto credential = turnCredential(options.turnSecret, username);
    servers.push_back({.urls = options.turnUrls,
                       .username = std::move(username),
                       .credential = std::move(credential)});
  }
  return servers;
}

std::string encodeIceServers(const std::vector<IceServer>& servers) {
  std::string out = "[";
  for (const auto& server : servers) {
    if (out.size() > 1) out += ',';
    out += R"({"urls":[)";
    for (std::size_t i = 0; i < server.urls.size(); ++i) {
      if (i > 0) out += ',';
      core::appendJsonString(out, server.urls[i]);
    }
    out += ']';
    if (!server.username.empty()) {
      out += R"(,"username":)";
      core::appendJsonString(out, server.username);
      out += R"(,"credential":)";
      core::appendJsonString(out, server.credential);
    }
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace gc::video
