#pragma once
// The video service's own series for /metrics, after the process-wide ones (core::metrics:
// HTTP, WebSocket connections, rejected and rate-limited frames, slow consumers).
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "core/metrics.hpp"
#include "video/room_registry.hpp"

namespace gc::video {

struct VideoMetrics {
  std::atomic<std::uint64_t> relays{0};        // signaling frames handed to a peer
  std::atomic<std::uint64_t> joinsRefused{0};  // not found, forbidden, blocked, full
  std::atomic<std::uint64_t> roomsExpired{0};
  // Relays refused because too many of the sender's waited for Redis (rate_limited).
  std::atomic<std::uint64_t> relaysWaitingRefused{0};
  // Relay lookups Redis did not answer in time (unavailable).
  std::atomic<std::uint64_t> relayLookupsFailed{0};
  // From a frame's arrival (parsed) to its hand-over to every recipient's write queue (with a
  // lookup in Redis, its wait included).
  core::Histogram relayLatencySeconds{std::array<double, 10>{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1}};

  // Prometheus text: core::metrics(), then rooms and peers from the registry, then ours.
  std::string render(const RoomRegistry& rooms) const;
};

}  // namespace gc::video
