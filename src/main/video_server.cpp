#include "main/video_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>
#include <unordered_set>

#include "api/rate_limits.hpp"
#include "core/time_format.hpp"
#include "main/revocation_follower.hpp"
#include "main/server.hpp"
#include "main/video_rooms.hpp"
#include "video/room_handlers.hpp"
#include "video/room_session.hpp"
#include "ws/rfc6455.hpp"

namespace gc::server {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// SIGTERM: stop accepting, let requests in flight finish, close every room connection with
// 1001 (the peers hear peer-left as each goes), then stop the threads.
asio::awaitable<void> drain(video::VideoApp& app, api::HttpServer& http, asio::io_context& ioc) {
  spdlog::info("draining: no new connections");
  app.draining = true;
  http.stopAccepting();
  co_await waitUntil([&] { return app.requestsInFlight.load() == 0; }, std::chrono::seconds(10));
  app.hub.closeAll(ws::close_code::kGoingAway, "server shutting down");
  co_await waitUntil([&] { return app.hub.connectionCount() == 0; }, std::chrono::seconds(5));
  spdlog::info("drained; exiting");
  ioc.stop();
}

}  // namespace

int runVideo(const core::Config& config, const video::Options& options) {
  const unsigned threads = config.threads > 0 ? static_cast<unsigned>(config.threads)
                                              : std::max(1u, std::thread::hardware_concurrency());
  // First, so that it goes last: the sessions the hub and the rooms hold own sockets of it.
  asio::io_context ioc(static_cast<int>(threads));
  // The chat server owns the database: it must have created it (start it first).
  auto store = store::openStore(
      config.dbUrl, {.synchronous = "off", .pageSize = 4096, .readers = 2, .readOnly = true});
  chat::Accounts accounts(*store, {.jwtSecret = loadOrCreateJwtSecret(config),
                                   .bcryptCost = 10,
                                   .tokenTtlSeconds = config.tokenTtlSeconds});
  accounts.loadRevocations();
  video::Admission admission(*store);
  video::VideoMetrics metrics;
  hub::Hub hub;
  asio::thread_pool blocking(2);
  VideoRooms rooms(config, options, blocking);
  api::RateLimiters limits(config);
  video::VideoApp app{.config = config,
                      .options = options,
                      .store = *store,
                      .accounts = accounts,
                      .rooms = rooms.registry(),
                      .admission = admission,
                      .hub = hub,
                      .blocking = blocking,
                      .metrics = metrics};
  api::HttpServer http(
      ioc,
      api::HttpHost{
          .config = app.config,
          .hub = hub,
          .accounts = accounts,
          .limits = limits,
          .draining = app.draining,
          .requestsInFlight = app.requestsInFlight,
          .upgradesAt =
              [](std::string_view path) { return video::roomIdFromPath(path).has_value(); },
          .upgrade =
              [&app](api::Upgrade u) {
                auto roomId = *video::roomIdFromPath(u.path);
                video::startRoomSession(app, std::move(u), std::move(roomId));
              },
          .corsForAllowedOrigins = true},
      video::buildRouter(app));
  // A room's end is checked a few times per TTL, at least once a second.
  const auto sweep = std::clamp(milliseconds(std::int64_t{options.roomTtlSeconds} * 1000 / 4),
                                milliseconds(100), milliseconds(1000));
  every(ioc, sweep, [&app] { video::endExpiredRooms(app); });
  every(ioc, milliseconds(options.revocationPollMs),
        [&app] { followRevocations(app.accounts, app.blocking, app.hub); });

  rooms.startTimers(ioc);

  serve(ioc, threads, http, config.listen, [&] { return drain(app, http, ioc); });
  blocking.join();  // the last leaves, which may publish peer-left to other instances
  rooms.close();
  return 0;
}

}  // namespace gc::server
