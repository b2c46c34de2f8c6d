#include "main/video_cli.hpp"

#include <CLI/CLI.hpp>

#include "main/cli.hpp"

namespace gc::cli {

std::variant<VideoCommand, int> parseVideo(int argc, char** argv) {
  VideoCommand cmd;
  auto& c = cmd.config;
  auto& o = cmd.options;
  c.listen = "127.0.0.1:4000";
  CLI::App app{"gopherchat-video: video rooms, WebRTC signaling relay, TURN credentials"};
  SharedRates rates;
  addSharedOptions(app, c, rates);
  app.add_option("--max-peers", o.maxPeers, "peers per room (mesh cap); the next join: room_full")
      ->envname("GC_MAX_PEERS")
      ->check(CLI::Range(2, 16))
      ->capture_default_str();
  app.add_option("--room-ttl", o.roomTtlSeconds, "seconds a room lives after its creation")
      ->envname("GC_ROOM_TTL")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--max-sdp-bytes", o.maxSdpBytes, "largest offer/answer sdp")
      ->envname("GC_MAX_SDP_BYTES")
      ->check(CLI::Range(1024, 1 << 20))
      ->capture_default_str();
  app.add_option("--turn-secret", o.turnSecret,
                 "coturn static-auth-secret: iceServers carry TURN REST credentials")
      ->envname("GC_TURN_SECRET");
  app.add_option("--turn-urls", o.turnUrls, "TURN URLs given with credentials (comma-separated)")
      ->envname("GC_TURN_URLS")
      ->delimiter(',');
  app.add_option("--stun-urls", o.stunUrls, "STUN URLs always given (comma-separated)")
      ->envname("GC_STUN_URLS")
      ->delimiter(',');
  app.add_option("--turn-ttl", o.turnTtlSeconds, "seconds a TURN credential is valid (max 3600)")
      ->envname("GC_TURN_TTL")
      ->check(CLI::Range(60, 3600))
      ->capture_default_str();
  app.add_option("--revocation-poll-ms", o.revocationPollMs,
                 "how often logouts are read from the chat database (milliseconds)")
      ->envname("GC_REVOCATION_POLL_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--instance-heartbeat-ms", o.instanceHeartbeatMs,
                 "with --redis: how often this instance says it is alive (milliseconds)")
      ->envname("GC_INSTANCE_HEARTBEAT_MS")
      ->check(CLI::Range(100, 60'000))
      ->capture_default_str();
  app.add_option("--instance-ttl-ms", o.instanceTtlMs,
                 "with --redis: an instance silent this long is dead and its peers leave "
                 "(milliseconds; more than the heartbeat)")
      ->envname("GC_INSTANCE_TTL_MS")
      ->check(CLI::Range(500, 600'000))
      ->capture_default_str();
  app.add_option("--redis-call-limit-ms", o.redisCallLimitMs,
                 "with --redis: the longest wait for one Redis round trip, then `unavailable` "
                 "(milliseconds)")
      ->envname("GC_REDIS_CALL_LIMIT_MS")
      ->check(CLI::Range(10, 60'000))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  finishSharedOptions(c, rates);
  if (o.instanceTtlMs <= o.instanceHeartbeatMs) {
    // A deadline that passes before the next heartbeat would declare a live instance dead.
    std::fprintf(stderr, "--instance-ttl-ms must be more than --instance-heartbeat-ms\n");
    return 2;
  }
  if (o.turnSecret.empty() != o.turnUrls.empty()) {
    std::fprintf(stderr, "--turn-secret and --turn-urls go together\n");
    return 2;
  }
  return cmd;
}

}  // namespace gc::cli
