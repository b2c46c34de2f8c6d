#include "main/server.hpp"

#include <malloc.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/http_server.hpp"
#include "api/routes.hpp"
#include "broker/redis_broker.hpp"
#include "broker/redis_link.hpp"
#include "broker/redis_presence.hpp"
#include "chat/conversation_follows.hpp"
#include "chat/delivery_order.hpp"
#include "chat/jwt.hpp"
#include "chat/shared_state.hpp"
#include "core/ids.hpp"
#include "core/offload.hpp"
#include "core/thread_name.hpp"
#include "core/time_format.hpp"
#include "files/upload_sweeper.hpp"
#include "main/revocation_follower.hpp"
#include "ws/rfc6455.hpp"
#include "ws/ws_session.hpp"

namespace gc::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// SIGTERM: stop accepting; let requests in flight finish; commit everything the store has
// queued (its acks are queued to their sessions as it commits); then close the WebSockets
// with 1001 behind those acks, and stop the threads once they are gone.
asio::awaitable<void> drain(api::App& app, api::HttpServer& http, asio::io_context& ioc) {
  spdlog::info("draining: no new connections");
  app.draining = true;
  http.stopAccepting();
  co_await waitUntil([&] { return app.requestsInFlight.load() == 0; }, std::chrono::seconds(10));
  co_await core::offload(app.blocking, [&app] {
    // Whoever is still here is last seen now; their offline timers will not run.
    try {
      app.store.users().setLastSeenMany(app.presence.present(), core::nowMs());
    } catch (const std::exception& e) {
      spdlog::warn("last seen at shutdown not stored: {}", e.what());
    }
    app.store.drain();
  });
  spdlog::info("store drained; closing WebSockets");
  app.hub.closeAll(1001, "server shutting down");
  co_await waitUntil([&] { return app.hub.connectionCount() == 0; }, std::chrono::seconds(5));
  spdlog::info("drained; exiting");
  ioc.stop();
}

}  // namespace

asio::awaitable<void> waitUntil(std::function<bool()> done, std::chrono::seconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

void serve(asio::io_context& ioc, unsigned threads, api::HttpServer& http,
           const std::string& listen, std::function<asio::awaitable<void>()> drain) {
  const auto bound = http.listen(api::parseListen(listen));
  spdlog::info("listening on {}:{}", bound.address().to_string(), bound.port());
  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  signals.async_wait([&ioc, drain = std::move(drain)](const boost::system::error_code& ec, int) {
    if (!ec) asio::co_spawn(ioc, drain(), asio::detached);
  });
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) {
    workers.emplace_back([&ioc] {
      core::nameThisThread("gc-io");
      ioc.run();
    });
  }
  ioc.run();
  for (auto& t : workers) t.join();
}

std::string loadOrCreateJwtSecret(const core::Config& config) {
  if (!config.jwtSecret.empty()) {
    if (config.jwtSecret.size() < 32) {
      throw std::invalid_argument("--jwt-secret must be at least 32 characters (256 bits)");
    }
    return config.jwtSecret;
  }
  const auto path = std::filesystem::path(config.dataDir) / "jwt-secret";
  if (std::ifstream in(path); in) {
    std::string secret;
    std::getline(in, secret);
    if (secret.size() >= 32) return secret;
  }
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string secret;
  for (unsigned char b : raw) secret += fmt::format("{:02x}", b);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << secret << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path);
  spdlog::info("generated a JWT secret in {}", path.string());
  return secret;
}

int run(const core::Config& config) {
  // glibc returns freed heap to the kernel above 128 KiB by default; SQLite's per-statement
  // savepoint allocations made the writer thread trim and re-fault its heap on every
  // statement (a third of its time, measured with perf). Keep the memory instead.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  std::filesystem::create_directories(config.dataDir);
  const unsigned threads = config.threads > 0 ? static_cast<unsigned>(config.threads)
                                              : std::max(1u, std::thread::hardware_concurrency());

  auto store = store::openStore(config.dbUrl, {.synchronous = config.sqliteSynchronous,
                                               .pageSize = config.sqlitePageSize,
                                               .readers = 4,
                                               .appendWriters = config.postgresWriters,
                                               .readOnly = false});
  // Set once the hub and the delivery order exist: a subscription that came back after a
  // Redis outage asks every client here to reconnect and resync what it may have missed.
  std::function<void()> afterBrokerOutage;
  auto broker = config.redisUrl.empty()
                    ? broker::makeLocalBroker()
                    : broker::makeRedisBroker({.url = config.redisUrl,
                                               .channel = "gc:events",
                                               .conversationChannels = true,
                                               .resubscribed = [&afterBrokerOutage] {
                                                 if (afterBrokerOutage) afterBrokerOutage();
                                               }});
  // Several instances: the state they share beyond events (presence, rate limits) lives in
  // Redis. Set once presence exists: after an outage, Redis is told again what it forgot.
  std::function<void()> afterRedisOutage;
  std::optional<broker::RedisLink> redis;
  std::optional<broker::RedisPresence> sharedPresence;
  if (!config.redisUrl.empty()) {
    redis.emplace(
        broker::RedisLink::Options{.url = config.redisUrl, .reconnected = [&afterRedisOutage] {
                                     if (afterRedisOutage) afterRedisOutage();
                                   }});
    sharedPresence.emplace(*redis, core::newId(), std::chrono::milliseconds(config.presenceTtlMs));
  }
  hub::Hub hub;
  chat::Accounts accounts(*store, {.jwtSecret = loadOrCreateJwtSecret(config),
                                   .bcryptCost = config.bcryptCost,
                                   .tokenTtlSeconds = config.tokenTtlSeconds});
  accounts.loadRevocations();
  chat::SocialGraph graph;
  chat::GroupDirectory groupDirectory;
  const bool scaledOut = !config.redisUrl.empty();
  chat::MessageService messages(*store, *broker, groupDirectory, graph, scaledOut);
  chat::GroupService groups(*store, *broker, messages, groupDirectory);
  chat::SearchService search(*store, messages);
  groups.load();

  asio::thread_pool blocking(4);
  asio::thread_pool hashing(threads);
  asio::thread_pool filePool(2);
  files::UploadService uploads(*store,
                               {.dataDir = config.dataDir,
                                .quotaBytes = config.uploadQuotaBytes,
                                .clamdSocket = config.clamdSocket,
                                .clamdTimeout = std::chrono::seconds(config.clamdTimeoutSeconds),
                                .thumbnailEdge = 320,
                                .maxImagePixels = 100'000'000});
  // Before the io_context: a connection waiting for its admission (a timer's handler holds it)
  // releases its follows when the io_context goes, and they forget into the delivery order.
  std::optional<chat::DeliveryOrder> order;
  std::optional<chat::ConversationFollows> follows;
  asio::io_context ioc(static_cast<int>(threads));
  // Runs `fire` on the io_context `delay` from now.
  const auto after = [&ioc](std::chrono::milliseconds delay, std::function<void()> fire) {
    auto timer = std::make_shared<asio::steady_timer>(ioc, delay);
    timer->async_wait([timer, fire = std::move(fire)](boost::system::error_code ec) {
      if (!ec) fire();
    });
  };
  // With --redis the REST and login limits hold across instances: their buckets live in Redis.
  api::RateLimiters limits(config, redis ? &*redis : nullptr);
  chat::Presence presence(
      *broker, graph,
      {.grace = std::chrono::milliseconds(config.presenceGraceMs),
       .after = after,
       .persistLastSeen =
           [&blocking, &store](const std::string& userId, std::int64_t lastSeenMs) {
             asio::post(blocking, [&store, userId, lastSeenMs] {
               try {
                 store->users().setLastSeen(userId, lastSeenMs);
               } catch (const std::exception& e) {
                 spdlog::warn("last seen of {} not stored: {}", userId, e.what());
               }
             });
           },
       .nowMs = [] { return core::nowMs(); },
       .shared = sharedPresence ? &*sharedPresence : nullptr});
  chat::FriendService friends(*store, *broker, graph, presence);
  friends.load();
  // One instance: the commit order is the delivery order. Several: each conversation's
  // messages are put back in seq order and gaps filled from the store (on the blocking pool).
  if (!scaledOut) {
    broker->subscribe([&hub](const broker::Delivery& d) { hub.deliver(d); });
  } else {
    auto& deliveryOrder = order.emplace(
        [&hub](const broker::Delivery& d) { hub.deliver(d); },
        [&messages](const std::string& conversationId, std::int64_t afterSeq,
                    std::int64_t beforeSeq) {
          return messages.missedDeliveries(conversationId, afterSeq, beforeSeq);
        },
        [&after, &blocking](std::chrono::milliseconds delay, std::function<void()> fire) {
          after(delay, [&blocking, fire = std::move(fire)] { asio::post(blocking, fire); });
        },
        chat::DeliveryOrder::Options{
            .wait = std::chrono::milliseconds(25),
            .capacity = 200'000,
            .ownSendPending =
                [&messages](const std::string& id) { return messages.sendInFlight(id); },
            .maxDeferrals = 8});
    afterBrokerOutage = [&hub, &deliveryOrder] {
      deliveryOrder.reset();
      hub.closeAll(ws::close_code::kServiceRestart,
                   "events may have been missed: reconnect and resync");
    };
    // Each instance subscribes to the conversations of the users connected to it.
    // Blocking: hands a conversation's last seq in the store to `apply`. Copied into the
    // callbacks below: this scope ends long before they run.
    const auto atLastSeq = [&store](const std::string& id, std::string_view failed,
                                    const std::function<void(std::int64_t)>& apply) {
      try {
        apply(store->conversations().lastSeq(id));
      } catch (const std::exception& e) {
        spdlog::warn("{}: {}", failed, e.what());
      }
    };
    auto& conversationFollows = follows.emplace(
        *broker,
        chat::ConversationFollows::Options{
            .conversationsOf =
                [&store](const std::string& userId) {
                  return store->conversations().idsForUser(userId);
                },
            .membersOf =
                [&groupDirectory](const std::string& groupId) {
                  const auto entry = groupDirectory.find(groupId);
                  return entry ? entry->memberIds : std::vector<std::string>{};
                },
            .offload =
                [&blocking](std::function<void()> work) { asio::post(blocking, std::move(work)); },
            .after = after,
            // Bounded by the last seq once subscribed: what this instance commits after it
            // is its own to deliver (acks included), not the store's.
            .caughtUp =
                [&deliveryOrder, atLastSeq](const std::string& id) {
                  atLastSeq(id, "a conversation followed late not caught up",
                            [&](std::int64_t seq) { deliveryOrder.catchUp(id, seq); });
                },
            .startAtLastSeq =
                [&deliveryOrder, atLastSeq](const std::string& id) {
                  atLastSeq(id, "a group joined here not given a baseline",
                            [&](std::int64_t seq) { deliveryOrder.startAt(id, seq); });
                },
            // Posted: a ticket is released where its connection is destroyed, which may be
            // inside a delivery holding the delivery order's lock for this conversation.
            .forgotten =
                [&deliveryOrder, &blocking](const std::string& id) {
                  asio::post(blocking, [&deliveryOrder, id] { deliveryOrder.forget(id); });
                },
            .admitTimeout = std::chrono::milliseconds(2000)});
    broker->subscribe([&deliveryOrder, &conversationFollows, &groups, &friends, &presence,
                       &accounts, &blocking, &hub](const broker::Delivery& d) {
      chat::applySharedStateChange(d, groups, friends);
      conversationFollows.heard(d);
      presence.heard(d);
      if (d.tokensRevoked) followRevocations(accounts, blocking, hub);
      deliveryOrder(d);
    });
    afterRedisOutage = [&presence] { presence.share(); };
    presence.share();
  }
  api::App app{.config = config,
               .store = *store,
               .broker = *broker,
               .hub = hub,
               .accounts = accounts,
               .messages = messages,
               .graph = graph,
               .presence = presence,
               .friends = friends,
               .groups = groups,
               .search = search,
               .blocking = blocking,
               .hashing = hashing,
               .uploads = uploads,
               .files = filePool,
               .limits = limits,
               .follows = follows ? &*follows : nullptr};
  api::HttpServer http(
      ioc,
      api::HttpHost{.config = app.config,
                    .hub = hub,
                    .accounts = accounts,
                    .limits = limits,
                    .draining = app.draining,
                    .requestsInFlight = app.requestsInFlight,
                    .upgradesAt = [](std::string_view path) { return path == "/ws"; },
                    .upgrade =
                        [&app](api::Upgrade u) {
                          ws::startSession(app, std::move(u.socket), std::move(u.claims), u.key,
                                           u.answerSubprotocol, u.early);
                        },
                    .corsForAllowedOrigins = false},
      api::buildRouter(app));
  if (scaledOut) {
    every(ioc, std::chrono::milliseconds(config.revocationPollMs),
          [&] { followRevocations(accounts, blocking, hub); });
  }
  asio::co_spawn(ioc,
                 files::sweepUnattachedUploads(
                     uploads, filePool, std::chrono::seconds(config.uploadSweepIntervalSeconds),
                     std::chrono::seconds(config.uploadTtlSeconds)),
                 asio::detached);
  serve(ioc, threads, http, config.listen, [&] { return drain(app, http, ioc); });
  blocking.join();
  hashing.join();
  filePool.join();
  if (redis) redis->close();  // no more Redis answers into presence
  broker->close();            // no more events from other instances into what goes next
  hub.clear();                // sessions and their sockets go while the io_context still exists
  return 0;
}

}  // namespace gc::server
