// The command link on a real redis-server: commands and scripts answer (a script Redis forgot
// in a restart is sent again in full), an outage answers at once with an error instead of
// queueing, a stalled Redis is answered by the call's limit, and the link comes back by itself
// and says so.
#include "broker/redis_link.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <mutex>

#include "redis_test_server.hpp"

namespace gc::broker {
namespace {

const RedisScript kIncrementBy("return redis.call('INCRBY', KEYS[1], ARGV[1])");

std::string urlOf(const RedisServer& redis) {
  return "redis://127.0.0.1:" + std::to_string(redis.port());
}

// Retries `attempt` until it answers without an error (at most 10 s): the link is connecting.
RedisReply firstAnswer(const std::function<RedisReply()>& attempt) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  RedisReply reply = attempt();
  while (reply.isError() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling a condition: the connection is being made
    reply = attempt();
  }
  return reply;
}

TEST(RedisLinkTest, CommandsAndScriptsAnswer) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  RedisLink link({.url = urlOf(redis), .reconnected = nullptr});
  const auto set = firstAnswer([&] { return link.call({"SET", "k", "v"}, 1s); });
  EXPECT_EQ(set.type, RedisReply::Type::Status) << set.text;
  EXPECT_EQ(link.call({"GET", "k"}, 1s).text, "v");
  EXPECT_EQ(link.callScript(kIncrementBy, {"n"}, {"5"}, 1s).integer, 5);
  EXPECT_EQ(link.callScript(kIncrementBy, {"n"}, {"2"}, 1s).integer, 7);
  EXPECT_TRUE(link.connected());
}

TEST(RedisLinkTest, AwaitsAScriptOnTheCallersExecutor) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  RedisLink link({.url = urlOf(redis), .reconnected = nullptr});
  firstAnswer([&] { return link.call({"PING"}, 1s); });
  boost::asio::io_context ioc;
  long long got = 0;
  std::thread::id ranOn;
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        // Named vectors: GCC 12 miscompiles braced lists in a co_await's arguments.
        std::vector<std::string> keys{"a"};
        std::vector<std::string> args{"3"};
        const auto reply = co_await link.asyncScript(kIncrementBy, std::move(keys), std::move(args),
                                                     boost::asio::use_awaitable);
        got = reply.integer;
        ranOn = std::this_thread::get_id();
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.run();
  EXPECT_EQ(got, 3);
  EXPECT_EQ(ranOn, std::this_thread::get_id());
}

TEST(RedisLinkTest, AnOutageAnswersAtOnceAndTheLinkComesBack) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  std::mutex mutex;
  std::condition_variable cv;
  int reconnections = 0;
  RedisLink link({.url = urlOf(redis), .reconnected = [&] {
                    std::lock_guard lock(mutex);
                    ++reconnections;
                    cv.notify_all();
                  }});
  EXPECT_EQ(firstAnswer([&] { return link.callScript(kIncrementBy, {"n"}, {"1"}, 1s); }).integer,
            1);

  redis.kill();
  // Whether the loss is noticed yet or not, the answer is an error well before the limit.
  const auto during = link.call({"GET", "n"}, 5s);
  EXPECT_TRUE(during.isError());
  EXPECT_EQ(during.text.find("no answer"), std::string::npos) << during.text;

  redis.start();
  ASSERT_TRUE(redis.ready());
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 15s, [&] { return reconnections > 0; }));
  }
  // A fresh Redis knows neither the key nor the script: the source goes again.
  EXPECT_EQ(link.callScript(kIncrementBy, {"n"}, {"4"}, 1s).integer, 4);
}

// Collects the answers of scriptWithin: how many came, and the first.
struct Answers {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<RedisReply> replies;

  RedisLink::Done add() {
    return [this](const RedisReply& r) {
      std::lock_guard lock(mutex);
      replies.push_back(r);
      cv.notify_all();
    };
  }
  bool waitFor(std::size_t count, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return replies.size() >= count; });
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return replies.size();
  }
};

TEST(RedisLinkTest, AScriptWithinALimitAnswersOnceEvenWhenRedisStalls) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  RedisLink link({.url = urlOf(redis), .reconnected = nullptr});
  firstAnswer([&] { return link.call({"PING"}, 1s); });
  Answers answers;
  link.scriptWithin(kIncrementBy, {"n"}, {"2"}, 1s, answers.add());
  ASSERT_TRUE(answers.waitFor(1, 5s));
  EXPECT_EQ(answers.replies[0].integer, 2);

  redis.pause();
  const auto started = std::chrono::steady_clock::now();
  link.scriptWithin(kIncrementBy, {"n"}, {"3"}, 200ms, answers.add());
  const bool answered = answers.waitFor(2, 5s);
  const auto waited = std::chrono::steady_clock::now() - started;
  redis.resume();
  ASSERT_TRUE(answered);
  EXPECT_TRUE(answers.replies[1].isError());
  EXPECT_NE(answers.replies[1].text.find("no answer in 200 ms"), std::string::npos);
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 2s);
  // Redis ran the script once it went on; its late reply reached nobody. The next reply
  // comes after it on the same connection, so by then it has been dropped.
  EXPECT_EQ(link.call({"GET", "n"}, 5s).text, "5");
  EXPECT_EQ(answers.count(), 2u);
}

TEST(RedisLinkTest, AfterCloseCommandsAreAnsweredAtOnce) {
  RedisServer redis;
  ASSERT_TRUE(redis.ready());
  RedisLink link({.url = urlOf(redis), .reconnected = nullptr});
  link.close();
  EXPECT_TRUE(link.call({"PING"}, 5s).isError());
  EXPECT_FALSE(link.connected());
}

TEST(RedisLinkTest, UrlsAreParsedOrRefused) {
  const auto a = parseRedisUrl("redis://127.0.0.1:6380/0");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 6380);
  EXPECT_EQ(parseRedisUrl("redis://cache").port, 6379);
  EXPECT_THROW(parseRedisUrl("http://x:1"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://x:0"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://:80"), std::invalid_argument);
}

}  // namespace
}  // namespace gc::broker
