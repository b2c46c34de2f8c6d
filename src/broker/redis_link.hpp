#pragma once
// A Redis connection for commands and scripts (not subscriptions) that outlives Redis
// restarts: the shared state of scale-out (presence, rate-limit buckets, video rooms) speaks
// through it. It runs on a thread of its own; when Redis goes away every command waiting gets
// an error reply, commands sent meanwhile are answered with an error at once (callers fall
// back to what they can do alone, they never queue behind an outage), and it reconnects with
// backoff (100 ms doubling to 2 s). `reconnected` runs when a connection is back after a loss,
// so owners can put back what Redis forgot.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "broker/redis_client.hpp"

namespace gc::broker {

struct RedisAddress {
  std::string host;
  int port = 6379;
};
// redis://HOST[:PORT][/...]; throws std::invalid_argument otherwise.
RedisAddress parseRedisUrl(const std::string& url);

// A Lua script, sent by its SHA-1 (EVALSHA) and in full only when Redis does not know it yet
// (after a restart).
struct RedisScript {
  explicit RedisScript(std::string source);
  std::string source;
  std::string sha1;  // hex
};

class RedisLink {
 public:
  using Done = RedisClient::Done;

  struct Options {
    std::string url;  // redis://HOST:PORT
    // On the link's thread, when a connection is back after one was lost.
    std::function<void()> reconnected;
  };
  explicit RedisLink(Options options);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // From any thread; `done` runs on the link's thread (keep it short, or post elsewhere).
  void command(std::vector<std::string> args, Done done);
  void script(const RedisScript& script, std::vector<std::string> keys,
              std::vector<std::string> args, Done done);

  // The same, completing on the caller's executor: `co_await link.asyncScript(..., use_awaitable)`.
  template <typename Token>
  auto asyncScript(const RedisScript& s, std::vector<std::string> keys,
                   std::vector<std::string> args, Token&& token) {
    return boost::asio::async_initiate<Token, void(RedisReply)>(
        [this, &s](auto handler, std::vector<std::string>&& keys, std::vector<std::string>&& args) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          script(s, std::move(keys), std::move(args), [shared](const RedisReply& reply) {
            auto ex = boost::asio::get_associated_executor(*shared);
            boost::asio::post(ex, [shared, reply] { std::move (*shared)(reply); });
          });
        },
        token, std::move(keys), std::move(args));
  }

  // A reply within `limit`: `send` issues one command or script with the Done it is given, and
  // `done` gets its reply, or after `limit` an error reply (the late reply is dropped: the link
  // answers at once while Redis is away, but a stalled Redis would hold a command forever).
  // `done` runs once, on the link's thread; never blocks the caller.
  void within(std::chrono::milliseconds limit, std::function<void(Done)> send, Done done);
  // within() for one script; `s` must outlive the call (scripts are statics).
  void scriptWithin(const RedisScript& s, std::vector<std::string> keys,
                    std::vector<std::string> args, std::chrono::milliseconds limit, Done done);
  // within(), completing on the caller's executor:
  // `co_await link.asyncWithin(limit, send, use_awaitable)`.
  template <typename Token>
  auto asyncWithin(std::chrono::milliseconds limit, std::function<void(Done)> send, Token&& token) {
    return boost::asio::async_initiate<Token, void(RedisReply)>(
        [this, limit](auto handler, std::function<void(Done)>&& send) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          within(limit, std::move(send), [shared](const RedisReply& reply) {
            auto ex = boost::asio::get_associated_executor(*shared);
            boost::asio::post(ex, [shared, reply] { std::move (*shared)(reply); });
          });
        },
        token, std::move(send));
  }

  // Blocking, for threads that may wait (never the link's own): an error reply after `limit`.
  RedisReply call(std::vector<std::string> args, std::chrono::milliseconds limit);
  RedisReply callScript(const RedisScript& script, std::vector<std::string> keys,
                        std::vector<std::string> args, std::chrono::milliseconds limit);

  // Whether the last connection attempt succeeded and has not been lost since.
  bool connected() const;
  // Stops reconnecting and closes; commands after it get error replies. The destructor calls it.
  void close();

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace gc::broker
