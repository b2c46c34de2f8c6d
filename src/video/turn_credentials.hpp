#pragma once
// ICE servers for a client: the STUN URLs as they are, and the TURN URLs with short-lived
// credentials in coturn's REST form (use-auth-secret): username "<expiry unix time>:<user id>",
// credential base64(HMAC-SHA1(static-auth-secret, username)). coturn checks the MAC and the
// expiry itself, so nothing is stored and the secret never leaves the servers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "video/options.hpp"

namespace gc::video {

struct IceServer {
  std::vector<std::string> urls;
  std::string username;    // empty for STUN
  std::string credential;  // empty for STUN
};

std::string turnUsername(std::int64_t expiresAtSec, std::string_view userId);
std::string turnCredential(std::string_view secret, std::string_view username);

// STUN first, then TURN when a secret and URLs are configured (valid for
// min(turnTtlSeconds, 3600) from `nowSec`).
std::vector<IceServer> iceServersFor(const Options& options, std::string_view userId,
                                     std::int64_t nowSec);

// The contract's [{urls, username?, credential?}].
std::string encodeIceServers(const std::vector<IceServer>& servers);

}  // namespace gc::video
