#include "video/video_metrics.hpp"

namespace gc::video {

std::string VideoMetrics::render(const RoomRegistry& rooms) const {
  std::string out = core::metrics().render();
  auto series = [&out](const char* name, const char* type, const char* help, std::uint64_t v) {
    core::renderSeries(out, name, type, help, v);
  };
  series("gc_video_rooms", "gauge", "Rooms open on this instance.", rooms.roomCount());
  series("gc_video_peers", "gauge", "Peers in rooms on this instance.", rooms.peerCount());
  series("gc_video_relays_total", "counter", "Signaling frames relayed to a peer.",
         relays.load(std::memory_order_relaxed));
  series("gc_video_joins_refused_total", "counter",
         "Room joins refused (unknown, forbidden, blocked, full).",
         joinsRefused.load(std::memory_order_relaxed));
  series("gc_video_rooms_expired_total", "counter", "Rooms ended by their TTL.",
         roomsExpired.load(std::memory_order_relaxed));
  series("gc_video_relays_waiting_refused_total", "counter",
         "Signaling frames refused: too many of the sender's relays waited for Redis.",
         relaysWaitingRefused.load(std::memory_order_relaxed));
  series("gc_video_relay_lookups_failed_total", "counter",
         "Relay lookups Redis did not answer within the call limit (unavailable).",
         relayLookupsFailed.load(std::memory_order_relaxed));
  relayLatencySeconds.render(
      out, "gc_video_relay_latency_seconds",
      "From a signaling frame's arrival to its hand-over to the recipients.");
  return out;
}

}  // namespace gc::video
