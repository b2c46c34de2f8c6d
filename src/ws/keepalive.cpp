#include "ws/keepalive.hpp"

namespace gc::ws {

IdleAction idleAction(std::chrono::steady_clock::duration idle,
                      std::chrono::milliseconds idleTimeout, bool pinged) {
  if (idle >= idleTimeout && pinged) return IdleAction::Drop;
  if (idle >= idleTimeout / 2 && !pinged) return IdleAction::Ping;
  return IdleAction::None;
}

KeepAliveSweeper::KeepAliveSweeper(const boost::asio::any_io_executor& executor, hub::Hub& hub,
                                   std::chrono::milliseconds idleTimeout)
    : timer_(executor), hub_(hub), idleTimeout_(idleTimeout) {}

void KeepAliveSweeper::start() {
  arm();
}

// Sweeping every half timeout pings a connection between 1/2 and 1 timeout after it went quiet
// and drops it between 1 and 1.5 timeouts.
void KeepAliveSweeper::arm() {
  timer_.expires_after(idleTimeout_ / 2);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    // Aborted: the sweeper is being destroyed; `this` must not be touched.
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    const auto nowUnix = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    hub_.forEach([&](const auto& connection) {
      // A session ends with its token, also on an open socket (OWASP WebSocket cheat sheet).
      if (nowUnix >= connection->tokenExpiresAt()) {
        connection->close(1008, "token expired");
      } else {
        connection->keepAlive(now, idleTimeout_);
      }
    });
    arm();
  });
}

}  // namespace gc::ws
