#include "core/metrics.hpp"

#include <fmt/format.h>

namespace gc::core {

void Histogram::observe(double v) noexcept {
  std::size_t i = 0;
  while (i < size_ && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sumMicros_.fetch_add(static_cast<std::uint64_t>(v * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const char* name, const char* help) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], cumulative);
  }
  cumulative += counts_[size_].load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  out += fmt::format("{}_sum {}\n{}_count {}\n", name,
                     static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6, name,
                     count_.load(std::memory_order_relaxed));
}

void renderSeries(std::string& out, const char* name, const char* type, const char* help,
                  std::uint64_t v) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, v);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  renderSeries(out, "gc_ws_connections", "gauge", "Open chat WebSocket connections.",
               static_cast<std::uint64_t>(std::max<std::int64_t>(0, wsConnections.load())));
  renderSeries(out, "gc_http_requests_total", "counter", "HTTP requests answered.",
               httpRequests.load());
  renderSeries(out, "gc_messages_committed_total", "counter", "Messages durably committed.",
               messagesCommitted.load());
  renderSeries(out, "gc_frames_fanned_out_total", "counter",
               "Frames queued to WebSocket connections by fan-out.", framesFannedOut.load());
  renderSeries(out, "gc_slow_consumers_closed_total", "counter",
               "Connections closed because their write queue overflowed.",
               slowConsumersClosed.load());
  renderSeries(out, "gc_ws_frames_rejected_total", "counter",
               "Client frames answered with an error frame.", wsFramesRejected.load());
  out += fmt::format(
      "# HELP gc_rate_limited_requests_total HTTP requests refused with 429, by limit.\n"
      "# TYPE gc_rate_limited_requests_total counter\n"
      "gc_rate_limited_requests_total{{limit=\"rest\"}} {}\n"
      "gc_rate_limited_requests_total{{limit=\"login\"}} {}\n"
      "gc_rate_limited_requests_total{{limit=\"register\"}} {}\n"
      "gc_rate_limited_requests_total{{limit=\"login_failures\"}} {}\n",
      rateLimitedRest.load(), rateLimitedLogin.load(), rateLimitedRegister.load(),
      rateLimitedLoginFailures.load());
  renderSeries(out, "gc_rate_limit_redis_fallbacks_total", "counter",
               "Shared rate-limit decisions made by this instance alone (Redis did not answer).",
               rateLimitRedisFallbacks.load());
  renderSeries(out, "gc_ws_frames_rate_limited_total", "counter",
               "Client WebSocket messages refused by the per-connection rate limit.",
               wsFramesRateLimited.load());
  renderSeries(out, "gc_ws_flood_closed_total", "counter",
               "WebSocket connections closed with 1008 for flooding past the rate limit.",
               wsFloodClosed.load());
  renderSeries(out, "gc_broker_events_received_total", "counter",
               "Events received from other instances through the broker.",
               brokerEventsReceived.load());
  renderSeries(out, "gc_broker_conversations_followed", "gauge",
               "Conversations whose events this instance subscribes to (a user here is in them).",
               brokerConversationsFollowed.load());
  renderSeries(out, "gc_broker_publishes_dropped_total", "counter",
               "Events not published to other instances (the broker was unreachable).",
               brokerPublishesDropped.load());
  renderSeries(out, "gc_messages_healed_total", "counter",
               "Messages fetched from the store to fill a gap in what the broker delivered.",
               messagesHealed.load());
  httpLatencySeconds.render(out, "gc_http_request_duration_seconds",
                            "HTTP request latency from parsed request to response written.");
  commitBatchSize.render(out, "gc_commit_batch_size", "Operations per store transaction.");
  walCheckpointSeconds.render(out, "gc_wal_checkpoint_seconds",
                              "SQLite WAL checkpoints, run off the commit path.");
  writerHeldSeconds.render(out, "gc_writer_held_seconds",
                           "Commits held for a checkpoint that lets the WAL start over.");
  renderSeries(out, "gc_wal_resets_total", "counter",
               "Times the SQLite WAL started again from its beginning.", walResets.load());
  commitSeconds.render(out, "gc_commit_seconds", "Store transactions: BEGIN to COMMIT.");
  walSyncSeconds.render(out, "gc_wal_sync_seconds",
                        "WAL fsyncs before acknowledging what they cover.");
  completionSeconds.render(out, "gc_completion_seconds",
                           "Completions (acks, fan-out hand-over) released by one WAL fsync.");
  sendAckSeconds.render(out, "gc_ws_send_ack_seconds",
                        "WebSocket sends: accepted (authorized) to ack handed to the connection.");
  return out;
}

Metrics& metrics() {
  static Metrics m;
  return m;
}

}  // namespace gc::core
