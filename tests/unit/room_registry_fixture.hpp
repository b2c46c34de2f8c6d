#pragma once
// What the room registry tests share: a connection that records what it is handed, and a
// Redis link that has finished connecting.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/redis_link.hpp"
#include "hub/connection.hpp"
#include "redis_test_server.hpp"

namespace gc::video {

class FakeConnection final : public hub::Connection {
 public:
  explicit FakeConnection(const std::string& user) : Connection(user, "t") {}
  void send(broker::SharedFrame frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(*frame);
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mutex_);
    closedWith_ = code;
  }
  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::uint16_t closedWith() const {
    std::lock_guard lock(mutex_);
    return closedWith_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> frames_;
  std::uint16_t closedWith_ = 0;
};

inline std::shared_ptr<FakeConnection> conn(const std::string& user) {
  return std::make_shared<FakeConnection>(user);
}

// A link to `redis` once it answers (at most 10 s).
inline std::unique_ptr<broker::RedisLink> connectedLink(const broker::RedisServer& redis) {
  auto link = std::make_unique<broker::RedisLink>(broker::RedisLink::Options{
      .url = "redis://127.0.0.1:" + std::to_string(redis.port()), .reconnected = nullptr});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (link->call({"PING"}, std::chrono::seconds(1)).isError() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling: connecting
  }
  return link;
}

}  // namespace gc::video
