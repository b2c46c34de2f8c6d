#pragma once
// The video service's room registry as the flags choose it: in memory (one instance), or in
// Redis with the pub/sub relay to peers on other instances (--redis), with what that needs
// running: the instance's heartbeat and the put-back after Redis lost its data.
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>

#include "broker/broker.hpp"
#include "broker/redis_link.hpp"
#include "core/config.hpp"
#include "video/options.hpp"
#include "video/redis_room_registry.hpp"
#include "video/room_registry.hpp"

namespace gc::server {

class VideoRooms {
 public:
  // `blocking` runs the Redis round trips of the heartbeat and the put-back; it must outlive
  // close().
  VideoRooms(const core::Config& config, const video::Options& options,
             boost::asio::thread_pool& blocking);
  ~VideoRooms();

  video::RoomRegistry& registry() { return *registry_; }
  // With --redis: the heartbeat (and the sweep of dead instances), every --instance-heartbeat-ms.
  void startTimers(boost::asio::io_context& ioc);
  // Stops hearing other instances (before the sessions and the registry go).
  void close();

 private:
  boost::asio::thread_pool& blocking_;
  std::chrono::milliseconds heartbeat_;
  std::unique_ptr<broker::RedisLink> redis_;
  std::unique_ptr<broker::Broker> relays_;
  video::RedisRoomRegistry* shared_ = nullptr;  // registry_, with --redis
  std::unique_ptr<video::RoomRegistry> registry_;
};

}  // namespace gc::server
