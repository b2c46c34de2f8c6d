#pragma once
// Keep-alive for every WebSocket with one timer instead of one per connection: every half
// idle timeout the sweeper asks each connection of the hub to check itself (ping when quiet,
// drop when its ping went unanswered), which finds half-open connections whose peer vanished.
// The same sweep closes connections whose token has expired (1008), so a session ends with
// its token within half an idle timeout.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "hub/hub.hpp"

namespace gc::ws {

enum class IdleAction { None, Ping, Drop };

// What a connection that has received nothing for `idle` does: ping once it has been quiet for
// half of `idleTimeout`, and drop it after all of it, but only if it was pinged first (a late
// sweep must not drop a connection that never had the chance to answer).
IdleAction idleAction(std::chrono::steady_clock::duration idle,
                      std::chrono::milliseconds idleTimeout, bool pinged);

class KeepAliveSweeper {
 public:
  KeepAliveSweeper(const boost::asio::any_io_executor& executor, hub::Hub& hub,
                   std::chrono::milliseconds idleTimeout);
  void start();

 private:
  void arm();

  boost::asio::steady_timer timer_;
  hub::Hub& hub_;
  std::chrono::milliseconds idleTimeout_;
};

}  // namespace gc::ws
