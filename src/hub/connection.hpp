#pragma once
// What the hub knows of a connection: whose it is, and how to hand it a frame, close it or
// check that it is still alive. Implementations queue and return at once; they never block
// the caller.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "broker/broker.hpp"

namespace gc::hub {

class Connection {
 public:
  Connection(std::string userId, std::string tokenId,
             std::int64_t tokenExpiresAt = std::numeric_limits<std::int64_t>::max())
      : userId_(std::move(userId)),
        tokenId_(std::move(tokenId)),
        tokenExpiresAt_(tokenExpiresAt),
        id_(nextId_.fetch_add(1, std::memory_order_relaxed)) {}
  virtual ~Connection() = default;

  virtual void send(broker::SharedFrame frame) = 0;
  // Several frames in order, handed over at once (one post instead of one per frame).
  virtual void sendBatch(std::vector<broker::SharedFrame> frames) {
    for (auto& f : frames) send(std::move(f));
  }
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // The keep-alive sweep, from its own thread: a connection that has received nothing for half
  // of `idleTimeout` is pinged; one silent for all of it (its ping unanswered) is dropped.
  // Connections without a peer to lose (test doubles) ignore it.
  virtual void keepAlive(std::chrono::steady_clock::time_point /*now*/,
                         std::chrono::milliseconds /*idleTimeout*/) {}

  const std::string& userId() const { return userId_; }
  const std::string& tokenId() const { return tokenId_; }
  // Unix seconds: the connection lives no longer than the token it was opened with.
  std::int64_t tokenExpiresAt() const { return tokenExpiresAt_; }
  // Unique in this process, never 0.
  std::uint64_t id() const { return id_; }

 private:
  std::string userId_;
  std::string tokenId_;
  std::int64_t tokenExpiresAt_;
  std::uint64_t id_;
  static inline std::atomic<std::uint64_t> nextId_{1};
};

}  // namespace gc::hub
