#pragma once
// Process-wide counters for /metrics, lock-free on the hot path.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace gc::core {

// A fixed-bucket histogram in the Prometheus sense (cumulative on render).
class Histogram {
 public:
  static constexpr std::size_t kMaxBuckets = 16;
  template <std::size_t N>
  explicit Histogram(const std::array<double, N>& bounds) : size_(N) {
    static_assert(N <= kMaxBuckets);
    for (std::size_t i = 0; i < N; ++i) bounds_[i] = bounds[i];
  }
  void observe(double v) noexcept;
  void render(std::string& out, const char* name, const char* help) const;

 private:
  std::size_t size_;
  std::array<double, kMaxBuckets> bounds_{};
  std::array<std::atomic<std::uint64_t>, kMaxBuckets + 1> counts_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sumMicros_{0};  // sum kept in millionths to stay integral
};

struct Metrics {
  std::atomic<std::int64_t> wsConnections{0};
  std::atomic<std::uint64_t> httpRequests{0};
  std::atomic<std::uint64_t> messagesCommitted{0};
  std::atomic<std::uint64_t> framesFannedOut{0};
  std::atomic<std::uint64_t> slowConsumersClosed{0};
  std::atomic<std::uint64_t> wsFramesRejected{0};
  // 429s, by the limit that refused them.
  std::atomic<std::uint64_t> rateLimitedRest{0};
  std::atomic<std::uint64_t> rateLimitedLogin{0};
  std::atomic<std::uint64_t> rateLimitedRegister{0};
  std::atomic<std::uint64_t> rateLimitedLoginFailures{0};
  // Decisions of a shared (--redis) rate limit that the local bucket made because Redis did
  // not answer in time or answered with an error.
  std::atomic<std::uint64_t> rateLimitRedisFallbacks{0};
  std::atomic<std::uint64_t> wsFramesRateLimited{0};
  std::atomic<std::uint64_t> wsFloodClosed{0};
  // Scale-out (the Redis broker): events from other instances, publishes Redis never got,
  // and messages fetched from the store to fill a gap in a conversation's seq.
  std::atomic<std::uint64_t> brokerEventsReceived{0};
  std::atomic<std::uint64_t> brokerPublishesDropped{0};
  std::atomic<std::uint64_t> messagesHealed{0};
  // Conversations whose Redis channel this instance subscribes to (or is dropping).
  std::atomic<std::uint64_t> brokerConversationsFollowed{0};
  Histogram httpLatencySeconds{
      std::array<double, 10>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0}};
  Histogram commitBatchSize{std::array<double, 10>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
  Histogram walCheckpointSeconds{
      std::array<double, 8>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5}};
  // Commits held so that a checkpoint copies the WAL's last frames and the WAL starts again
  // from its beginning (sqlite_checkpointer.hpp): every send waits this long.
  Histogram writerHeldSeconds{
      std::array<double, 8>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5}};
  std::atomic<std::uint64_t> walResets{0};
  // The three stages every acknowledged write passes, one after the other: the writer's
  // transaction, the WAL fsync, and the completions (acks and fan-out hand-over) it releases.
  Histogram commitSeconds{
      std::array<double, 10>{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1}};
  Histogram walSyncSeconds{
      std::array<double, 10>{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1}};
  Histogram completionSeconds{
      std::array<double, 10>{0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1}};
  // A WebSocket send from its acceptance (parsed and authorized) to its ack handed to the
  // connection's writes: the server's part of what a sender waits for, queueing for the
  // writer included (a store lookup to authorize an uncached conversation is not).
  Histogram sendAckSeconds{
      std::array<double, 10>{0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.05, 0.1}};

  std::string render() const;
};

Metrics& metrics();

// One unlabelled series with its HELP and TYPE lines ("counter" or "gauge").
void renderSeries(std::string& out, const char* name, const char* type, const char* help,
                  std::uint64_t value);

}  // namespace gc::core
