#include "main/revocation_follower.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unordered_set>

#include "ws/rfc6455.hpp"

namespace gc::server {

namespace asio = boost::asio;

void every(asio::io_context& ioc, std::chrono::milliseconds period, std::function<void()> tick) {
  asio::co_spawn(
      ioc,
      [&ioc, period, tick = std::move(tick)]() -> asio::awaitable<void> {
        asio::steady_timer timer(ioc);
        for (;;) {
          timer.expires_after(period);
          co_await timer.async_wait(asio::use_awaitable);
          tick();
        }
      },
      asio::detached);
}

void followRevocations(chat::Accounts& accounts, asio::thread_pool& blocking, hub::Hub& hub) {
  asio::post(blocking, [&accounts, &hub] {
    std::vector<std::string> revoked;
    try {
      revoked = accounts.loadRevocations();
    } catch (const std::exception& e) {
      spdlog::warn("reading revoked tokens failed: {}", e.what());
      return;
    }
    if (revoked.empty()) return;
    const std::unordered_set<std::string> jtis(revoked.begin(), revoked.end());
    hub.forEach([&](const std::shared_ptr<hub::Connection>& c) {
      if (jtis.contains(c->tokenId())) c->close(ws::close_code::kPolicyViolation, "logged out");
    });
  });
}

}  // namespace gc::server
