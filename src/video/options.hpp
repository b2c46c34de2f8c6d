#pragma once
// The video service's own settings (flags in main/video_cli.cpp); the settings it shares with
// the chat server (listen, secret, origins, WebSocket limits) are in core::Config.
#include <cstddef>
#include <string>
#include <vector>

namespace gc::video {

struct Options {
  int maxPeers = 4;                                  // mesh cap: the next join gets room_full
  int roomTtlSeconds = 3600;                         // a room ends this long after its creation
  std::size_t maxSdpBytes = std::size_t{64} * 1024;  // offer/answer `sdp`
  std::string turnSecret;                            // coturn static-auth-secret; empty: no TURN
  std::vector<std::string> turnUrls;                 // turn:/turns: URLs given with credentials
  std::vector<std::string> stunUrls;                 // stun: URLs, always given
  int turnTtlSeconds = 3600;                         // credential lifetime, at most one hour
  int revocationPollMs = 1000;                       // how often logouts are read from the database
  // With --redis: this instance's heartbeat (how often it writes its deadline) and that deadline
  // (an instance silent this long is dead: its participants leave their rooms).
  int instanceHeartbeatMs = 2000;
  int instanceTtlMs = 10'000;
  int redisCallLimitMs = 1000;  // one Redis round trip at most; then `unavailable`
};

}  // namespace gc::video
